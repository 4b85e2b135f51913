#!/usr/bin/env python3
"""muMAG standard problem 4, field 1, in magnum.np 2.2 on CPU (peer timing and reference values).

Problem (muMAG SP4; shared/REFERENCES.md): permalloy film 500 x 125 x 3 nm, 128 x 32 x 1 cells,
Ms 800e3 A/m, A 13e-12 J/m, alpha 0.02, exchange + demagnetisation (+ Zeeman).
  1. Relax (NOT timed): uniform m along (1, 0.1, 0), magnum.np's LLGSolver.relax (alpha = 1 steps of
     10 ps until max|dm/dt|/gamma < 1e2 A/m, as magnum.np's SP4 demo does) -> S-state.
  2. Field 1 (timed): alpha = 0.02, B = (-24.6, 4.3, 0) mT (h = B / mu0 in A/m) for 1 ns with magnum.np's
     default RKF45 (atol = rtol = 1e-5, its defaults), llg.step(state, --save-every) repeatedly; <m> is
     recorded after every step (default every 1 ps). Only this loop is timed.
Outputs: wall_seconds (field-1 loop), rhs_evaluations (counted by a wrapper around the LLG right-hand
side the RKF45 solver calls: 6 per tried step), accepted_steps (state._step), rejected_steps (tried
steps - accepted; magnum.np's RKF45 also discards a full trial step whenever a step would cross the next
output time, and those count as rejected here), final_m (<m> at 1 ns), mx_zero_crossing_ns (first
zero crossing of <mx>, linear interpolation between saved points), cells.
Published: <m>(1 ns) = (-0.9846, 0.1260, 0.0433) (mumax3, 128 x 32 x 1 cells); first <mx> zero
crossing 0.1385 ns (OOMMF).
Note: magnum.np uses gamma = 2.21276157e5 m/(A s) (= mu0 x 1.76086e11 rad/(T s)); mumax3 uses
1.7595e11 rad/(T s).

Threads: --threads N (default 2) sets OMP_NUM_THREADS and torch.set_num_threads. CUDA_DEVICE=-1 forces
the CPU. OPENBLAS_* left as the environment sets them.

Setup:  python3 -m venv /work/venv-peers && /work/venv-peers/bin/pip install magnumnp==2.2.0
Run:    /work/venv-peers/bin/python scripts/bench/sp4_peers.py [--save-every 1e-12] [--relaxed-cache S.npy]
        [--gamma 1.7595e11] [--rtol 1e-5]
--gamma sets the gyromagnetic ratio of the reversal (rad/(T s)); with mumax3's 1.7595e11 and our S-state
(--relaxed-cache, array (128, 32, 1, 3)) magnum.np ends within 1.0e-5 of SpinODE (docs/micromagnetics.md).
Prints ONE JSON object with framework, wall_seconds, rhs_evaluations, final_m, mx_zero_crossing_ns,
cells, ... (magnum.np's own log lines go to stderr).
"""
import argparse
import json
import math
import os
import sys
import time

PUBLISHED_FINAL_M = (-0.9846, 0.1260, 0.0433)
PUBLISHED_CROSSING_NS = 0.1385


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--save-every", type=float, default=1e-12, help="output interval in s (llg.step length)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--relaxed-cache", default=None,
                    help="optional .npy path: load the relaxed S-state from it if it exists, else save it there")
    ap.add_argument("--gamma", type=float, default=None,
                    help="gyromagnetic ratio in rad/(T s) for the reversal (default magnum.np's own, "
                         "1.76086e11; mumax3 and SpinODE use 1.7595e11)")
    ap.add_argument("--rtol", type=float, default=1e-5, help="RKF45 rtol = atol of the reversal (magnum.np default 1e-5)")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ["CUDA_DEVICE"] = "-1"
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # keep magnum.np's prints off the JSON channel

    import torch
    torch.set_num_threads(args.threads)
    import magnumnp as mnp
    from magnumnp import Mesh, State, DemagField, ExchangeField, ExternalField, LLGSolver, constants

    n = (128, 32, 1)
    dx = (500e-9 / 128, 125e-9 / 32, 3e-9)
    mesh = Mesh(n, dx)
    state = State(mesh)
    state.material = {"Ms": 8e5, "A": 1.3e-11, "alpha": 0.02}
    m = state.Constant([1.0, 0.1, 0.0])
    m = m / torch.linalg.norm(m, dim=-1, keepdim=True)
    state.m = m

    demag = DemagField()
    exchange = ExchangeField()
    t0 = time.perf_counter()
    if args.relaxed_cache and os.path.exists(args.relaxed_cache):
        import numpy as np
        state.m = torch.tensor(np.load(args.relaxed_cache), dtype=torch.float64)
        relaxed = "loaded from " + args.relaxed_cache
    else:
        llg = LLGSolver([demag, exchange])
        relaxed = bool(llg.relax(state))
        if args.relaxed_cache:
            import numpy as np
            np.save(args.relaxed_cache, state.m.cpu().numpy())
    relax_seconds = time.perf_counter() - t0
    m_relaxed = state.m.mean(dim=(0, 1, 2)).tolist()

    external = ExternalField([-24.6e-3 / constants.mu_0, 4.3e-3 / constants.mu_0, 0.0])
    if args.gamma is not None:
        constants.gamma = args.gamma * constants.mu_0  # magnum.np's gamma is in m/(A s)
    llg = LLGSolver([demag, exchange, external], atol=args.rtol, rtol=args.rtol)
    state.material["alpha"] = 0.02
    state.t = 0.0
    state._step = 0

    counter = [0]
    inner = llg._solver._f

    def counted(*a, **k):
        counter[0] += 1
        return inner(*a, **k)

    llg._solver._f = counted

    t_end = 1e-9
    ts = [0.0]
    ms = [state.m.mean(dim=(0, 1, 2)).tolist()]
    eps = 1e-18
    t0 = time.perf_counter()
    while float(state.t) < t_end - eps:
        llg.step(state, args.save_every)
        ts.append(float(state.t))
        ms.append(state.m.mean(dim=(0, 1, 2)).tolist())
    wall = time.perf_counter() - t0

    crossing = None
    for i in range(1, len(ts)):
        a, b = ms[i - 1][0], ms[i][0]
        if a > 0.0 >= b:
            crossing = (ts[i - 1] + (ts[i] - ts[i - 1]) * a / (a - b)) * 1e9
            break
    tried = counter[0] // 6
    final_m = ms[-1]
    out = {
        "framework": "magnum.np",
        "framework_version": mnp.__version__,
        "torch_version": torch.__version__,
        "device": str(state.device),
        "solver": "RKF45 (magnum.np, atol = rtol = %g)" % args.rtol,
        "wall_seconds": wall,
        "relax_seconds_not_timed": relax_seconds,
        "relax_converged": relaxed,
        "m_relaxed": m_relaxed,
        "rhs_evaluations": counter[0],
        "tried_steps": tried,
        "accepted_steps": int(state._step),
        "rejected_steps": tried - int(state._step),
        "save_every_s": args.save_every,
        "saved_points": len(ts),
        "final_t_s": ts[-1],
        "final_m": final_m,
        "mx_zero_crossing_ns": crossing,
        "published_final_m_mumax3": PUBLISHED_FINAL_M,
        "published_mx_zero_crossing_ns_oommf": PUBLISHED_CROSSING_NS,
        "final_m_max_abs_difference": max(abs(a - b) for a, b in zip(final_m, PUBLISHED_FINAL_M)),
        "cells": n[0] * n[1] * n[2],
        "gamma_m_per_A_s": constants.gamma,
        "environment": {"threads": args.threads, "torch_threads": torch.get_num_threads(),
                        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
                        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
                        "loadavg_at_end": os.getloadavg()},
    }
    json.dump(out, real_stdout, indent=1)
    real_stdout.write("\n")


if __name__ == "__main__":
    main()
