#!/usr/bin/env python3
"""Free-running surrogate peer benchmark: the Spin-Neural ODE surrogate (Chen et al., Nat. Commun. 13,
1016 (2022)) integrated with fixed-step RK4 in torchdiffeq, in a plain torch loop and in a numpy loop.

Model (as in the paper, k = 2 delay embedding of one output):
  state y in R^2, network input v = [y_0, y_1, u(t), u(t + dt)], MLP 4-50-50-2 (tanh, tanh, identity),
  dy/dtau = MLP(v), Float64 (--dtype float32: weights, inputs, state and arithmetic in Float32),
  normalised step d_tau = 0.025.
  Weights: deterministic, reproducible in any language (the benchmark times, it does not train):
    W_l[i][j] = sin(0.37 (i+1) + 0.71 (j+1) + l) / sqrt(m_l),  b_l[i] = 0.1 cos(0.5 (i+1) + l),
    0-based i = output row, j = input column, l = 1, 2, 3, m_l = fan-in.
  Input: zero-order hold of N samples u_n = 2 frac((n + 1 + 1000 b) * 0.6180339887498949) - 1
    (golden-ratio sequence in [-1, 1); b = batch member). During step n (tau_n -> tau_n + dt) all four
    stages see the held inputs [u_n, u_{n+1}] (in torchdiffeq through callback_step, which gives the
    step's start time).
  Initial state: y[b] = (0.1 sin(b + 1), 0.1 cos(b + 1)).
  Integrator: torchdiffeq's method='rk4', which is Kutta's 3/8 rule (rk4_alt_step_func; the paper used
    it), with the grid tau_n = n dt; the torch and numpy loops implement the same 3/8 rule, so all three
    give the same trajectory (max_difference_to_numpy reports it).
  Batch 1 and batch 64 (64 trajectories, each its own input sequence, integrated together).

Timing: median of --repeats (default 7) full runs of N steps after one warm-up run; inference only
(torch.no_grad). steps_per_second = N / median seconds (batch 1); batched_steps_per_second = N / median
seconds of the batch-64 run (each step advances 64 trajectories; batched_trajectory_steps_per_second =
64 x that). Threads: --threads N (default 2) sets OMP_NUM_THREADS and torch.set_num_threads.
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are left as the environment sets them (numpy uses OpenBLAS).

Setup:  python3 -m venv /work/venv-peers && /work/venv-peers/bin/pip install torch torchdiffeq numpy
Run:    /work/venv-peers/bin/python scripts/bench/surrogate_rk4_peers.py [--samples 20000] [--framework all]
Prints ONE JSON object {"benchmark": "surrogate_rk4", "results": [{framework, steps_per_second,
batched_steps_per_second, ...}, ...]} (a single flat object when one framework is chosen).
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

DT = 0.025
DTYPE = "float64"  # --dtype
WIDTHS = (4, 50, 50, 2)
GOLDEN = 0.6180339887498949


def weights_python():
    layers = []
    for l in (1, 2, 3):
        m, n = WIDTHS[l - 1], WIDTHS[l]
        W = [[math.sin(0.37 * (i + 1) + 0.71 * (j + 1) + l) / math.sqrt(m) for j in range(m)] for i in range(n)]
        b = [0.1 * math.cos(0.5 * (i + 1) + l) for i in range(n)]
        layers.append((W, b))
    return layers


def inputs_numpy(n_samples, batch):
    import numpy as np
    n = np.arange(n_samples + 1, dtype=np.float64)[None, :] + 1.0 + 1000.0 * np.arange(batch, dtype=np.float64)[:, None]
    return 2.0 * np.mod(n * GOLDEN, 1.0) - 1.0  # shape [batch, N + 1]


def initial_numpy(batch):
    import numpy as np
    b = np.arange(batch, dtype=np.float64) + 1.0
    return np.stack([0.1 * np.sin(b), 0.1 * np.cos(b)], axis=1)


def median_time(fn, repeats):
    fn()  # warm-up
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, out


# 3/8-rule RK4 step (Kutta 1901), identical to torchdiffeq's rk4_alt_step_func.
def rk38_step(f, y, dt):
    k1 = f(y)
    k2 = f(y + dt * k1 / 3.0)
    k3 = f(y + dt * (k2 - k1 / 3.0))
    k4 = f(y + dt * (k1 - k2 + k3))
    return y + (k1 + 3.0 * (k2 + k3) + k4) * (dt * 0.125)


def run_numpy(n_samples, batch):
    import numpy as np
    (W1, b1), (W2, b2), (W3, b3) = [(np.array(W, dtype=DTYPE), np.array(b, dtype=DTYPE)) for W, b in weights_python()]
    W1y, W1u = np.ascontiguousarray(W1[:, :2].T), np.ascontiguousarray(W1[:, 2:].T)
    W2t, W3t = np.ascontiguousarray(W2.T), np.ascontiguousarray(W3.T)
    u = inputs_numpy(n_samples, batch).astype(DTYPE)
    y0 = initial_numpy(batch).astype(DTYPE)

    def run():
        y = y0.copy()
        for n in range(n_samples):
            c = np.stack([u[:, n], u[:, n + 1]], axis=1) @ W1u + b1  # input part, constant within the step

            def f(z):
                h = np.tanh(z @ W1y + c)
                h = np.tanh(h @ W2t + b2)
                return h @ W3t + b3

            y = rk38_step(f, y, DT)
        return y
    return run


def run_torch_loop(n_samples, batch):
    import torch
    dtype = getattr(torch, DTYPE)
    (W1, b1), (W2, b2), (W3, b3) = [(torch.tensor(W, dtype=dtype), torch.tensor(b, dtype=dtype)) for W, b in weights_python()]
    W1y, W1u = W1[:, :2].T.contiguous(), W1[:, 2:].T.contiguous()
    W2t, W3t = W2.T.contiguous(), W3.T.contiguous()
    u = torch.tensor(inputs_numpy(n_samples, batch), dtype=dtype)
    y0 = torch.tensor(initial_numpy(batch), dtype=dtype)

    def run():
        with torch.no_grad():
            y = y0.clone()
            for n in range(n_samples):
                c = torch.addmm(b1, u[:, n:n + 2], W1u)

                def f(z):
                    h = torch.tanh(torch.addmm(c, z, W1y))
                    h = torch.tanh(torch.addmm(b2, h, W2t))
                    return torch.addmm(b3, h, W3t)

                y = rk38_step(f, y, DT)
            return y.numpy()
    return run


def run_torchdiffeq(n_samples, batch):
    import torch
    import torchdiffeq
    dtype = getattr(torch, DTYPE)

    class Surrogate(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.l1, self.l2, self.l3 = [torch.nn.Linear(WIDTHS[i], WIDTHS[i + 1]).to(dtype) for i in range(3)]
            with torch.no_grad():
                for lin, (W, b) in zip((self.l1, self.l2, self.l3), weights_python()):
                    lin.weight.copy_(torch.tensor(W, dtype=dtype))
                    lin.bias.copy_(torch.tensor(b, dtype=dtype))
            self.u = torch.tensor(inputs_numpy(n_samples, batch), dtype=dtype)
            self.held = self.u[:, 0:2]

        def callback_step(self, t0, y0, dt):
            n = int(round(float(t0) / DT))
            self.held = self.u[:, n:n + 2]

        def forward(self, t, y):
            h = torch.tanh(self.l1(torch.cat([y, self.held], dim=1)))
            h = torch.tanh(self.l2(h))
            return self.l3(h)

    model = Surrogate()
    y0 = torch.tensor(initial_numpy(batch), dtype=dtype)
    grid = torch.arange(n_samples + 1, dtype=dtype) * DT

    def run():
        with torch.no_grad():
            ys = torchdiffeq.odeint(model, y0, grid, method="rk4")
        return ys[-1].numpy()
    return run


RUNNERS = {"numpy": run_numpy, "torch-loop": run_torch_loop, "torchdiffeq": run_torchdiffeq}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--framework", choices=list(RUNNERS) + ["all"], default="all")
    ap.add_argument("--samples", type=int, default=20000, help="number of RK4 steps N")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64",
                    help="arithmetic of every framework (compare float32 with spinode bench surrogate-rk4 --precision float32)")
    args = ap.parse_args()
    global DTYPE
    DTYPE = args.dtype
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)

    names = list(RUNNERS) if args.framework == "all" else [args.framework]
    results = []
    finals = {}
    for name in names:
        s1, t1, y1 = median_time(RUNNERS[name](args.samples, 1), args.repeats)
        sb, tb, yb = median_time(RUNNERS[name](args.samples, args.batch), args.repeats)
        finals[name] = (np.asarray(y1), np.asarray(yb))
        results.append({
            "framework": name,
            "steps": args.samples,
            "dt": DT,
            "steps_per_second": args.samples / s1,
            "seconds_batch1": s1,
            "batched_steps_per_second": args.samples / sb,
            "batched_trajectory_steps_per_second": args.batch * args.samples / sb,
            "batch": args.batch,
            "seconds_batched": sb,
            "all_seconds_batch1": t1,
            "all_seconds_batched": tb,
            "final_state_batch1": np.asarray(y1).ravel().tolist(),
            "final_state_batched_first": np.asarray(yb)[0].tolist(),
            "integrator": "RK4, Kutta 3/8 rule (torchdiffeq method='rk4')",
            "dtype": DTYPE,
        })
    if "numpy" in finals:
        for r in results:
            a1, ab = finals[r["framework"]]
            r["max_difference_to_numpy"] = float(max(np.max(np.abs(a1 - finals["numpy"][0])),
                                                     np.max(np.abs(ab - finals["numpy"][1]))))
    env = {"threads": args.threads, "torch_threads": torch.get_num_threads(),
           "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
           "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
           "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
           "torch_version": torch.__version__, "numpy_version": np.__version__,
           "loadavg_at_end": os.getloadavg()}
    out = results[0] if len(results) == 1 else {"benchmark": "surrogate_rk4", "results": results}
    out["environment"] = env
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
