#!/usr/bin/env python3
"""One training iteration of the Spin-Neural ODE surrogate in the paper's configuration, in torchdiffeq
(Chen et al., Nat. Commun. 13, 1016 (2022); authors' setup as recorded in shared/REFERENCES.md).

Configuration:
  k = 2 delay embedding of one output: y_n = [x_n, x_{n+1}]; network input [y, u_n, u_{n+1}];
  MLP 4-50-50-2 (tanh, tanh, identity), weights and biases drawn from N(0, 0.1) (std 0.1, torch seed 0);
  minibatch of 50 random windows of 20 consecutive samples, each started from the true embedded state;
  torchdiffeq odeint_adjoint(method='rk4') on the sample grid d_tau = 0.025 (torchdiffeq's rk4 is the
  3/8 rule); MSE loss over the window (both embedded components); Adam, learning rate 1e-3.
  Reference gradient method: plain odeint (backpropagation through the RK4 steps).
Input between samples: zero-order hold; during step n all RK stages see [u_n, u_{n+1}]. This is
  implemented with torchdiffeq's perturb=True option (the first stage of a step is evaluated just after
  the step's start, the last just before its end, in both the forward and the adjoint solve), so the
  step a stage belongs to follows from its time.
Synthetic trace (seeded, numpy default_rng(seed)): driven damped oscillator in normalised time tau,
  x'' + 2 zeta w x' + w^2 x = w^2 u(tau), w = 2 pi (period 1 = 40 samples), zeta = 0.1, u uniform in
  [-1, 1] held for 10 samples; integrated with 10 classical RK4 substeps per sample; 10,000 samples;
  x standardised (zero mean, unit variance).

Precision: --dtype float64 (default, as SpinODE's default) or float32 (PyTorch's default dtype; compare
  with `spinode bench fit-paper --precision float32`).
Timing: --warmup (default 3) iterations, then the median of --iterations (default 20) iterations (wall
  time, and CPU time of the process: `cpu_seconds_per_iteration`, which a loaded machine disturbs less); each
iteration = draw windows, forward solve, loss, backward, Adam step. Threads: --threads N (default 2)
sets OMP_NUM_THREADS and torch.set_num_threads. OPENBLAS_* left as the environment sets them.

Setup:  python3 -m venv /work/venv-peers && /work/venv-peers/bin/pip install torch torchdiffeq numpy
Run:    /work/venv-peers/bin/python scripts/bench/fit_paper_peers.py
Prints ONE JSON object {"benchmark": "fit_paper", "results": [{framework, gradient_method,
seconds_per_iteration, ...}, ...]}.
"""
import argparse
import json
import os
import statistics
import sys
import time

DT = 0.025
N_SAMPLES = 10000
WINDOW = 20
BATCH = 50
HOLD = 10


def synthetic_trace(seed, n_samples=N_SAMPLES):
    import numpy as np
    rng = np.random.default_rng(seed)
    n_blocks = (n_samples + 1) // HOLD + 2
    u = np.repeat(rng.uniform(-1.0, 1.0, n_blocks), HOLD)[: n_samples + 1]
    w, zeta = 2.0 * np.pi, 0.1
    sub = 10
    h = DT / sub

    def f(state, uu):
        x, v = state
        return np.array([v, -2.0 * zeta * w * v - w * w * x + w * w * uu])

    s = np.zeros(2)
    xs = np.empty(n_samples + 1)
    xs[0] = s[0]
    for n in range(n_samples):
        for _ in range(sub):
            k1 = f(s, u[n]); k2 = f(s + 0.5 * h * k1, u[n]); k3 = f(s + 0.5 * h * k2, u[n]); k4 = f(s + h * k3, u[n])
            s = s + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        xs[n + 1] = s[0]
    xs = (xs - xs.mean()) / xs.std()
    return xs, u  # n_samples + 1 values each


def run(adjoint, args):
    import numpy as np
    import torch
    import torchdiffeq
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    torch.manual_seed(0)
    x, u = synthetic_trace(args.seed)
    X = torch.tensor(x, dtype=dtype)
    U = torch.tensor(u, dtype=dtype)
    Y = torch.stack([X[:-1], X[1:]], dim=1)  # true embedded state y_n = [x_n, x_{n+1}], n = 0..N-1
    grid = torch.arange(WINDOW, dtype=dtype) * DT
    grid_list = [float(g) for g in grid]

    class Surrogate(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(4, 50), torch.nn.Tanh(), torch.nn.Linear(50, 50), torch.nn.Tanh(),
                torch.nn.Linear(50, 2)).to(dtype)
            for m in self.net:
                if isinstance(m, torch.nn.Linear):
                    torch.nn.init.normal_(m.weight, mean=0.0, std=0.1)
                    torch.nn.init.normal_(m.bias, mean=0.0, std=0.1)
            self.starts = None
            self.nfe = 0
            self.trace = None

        def step_index(self, t):
            """Index j of the RK step a stage at window time t belongs to (t is perturbed off the grid)."""
            tf = float(t.detach())
            j = min(max(int(round(tf / DT)), 0), WINDOW - 1)
            if not tf > grid_list[j]:
                j -= 1
            return min(max(j, 0), WINDOW - 2)

        def forward(self, t, y):
            self.nfe += 1
            j = self.step_index(t)
            if self.trace is not None:
                self.trace.append(j)
            held = torch.stack([U[self.starts + j], U[self.starts + j + 1]], dim=1)
            return self.net(torch.cat([y, held], dim=1))

    model = Surrogate()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(args.seed + 1)
    solver = torchdiffeq.odeint_adjoint if adjoint else torchdiffeq.odeint
    losses = []

    def iteration():
        starts = torch.tensor(rng.integers(0, N_SAMPLES - WINDOW, BATCH))
        model.starts = starts
        y0 = Y[starts]
        target = torch.stack([Y[starts + j] for j in range(WINDOW)], dim=0)  # [WINDOW, BATCH, 2]
        opt.zero_grad(set_to_none=True)
        pred = solver(model, y0, grid, method="rk4", options=dict(perturb=True))
        loss = torch.mean((pred - target) ** 2)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))

    # Check once that every RK stage sees the inputs of its own step (4 stages per step, steps 0..W-2),
    # in the forward solve and, for the adjoint, in the backward solve (steps in reverse order).
    model.trace = []
    iteration()
    forward_expected = [j for j in range(WINDOW - 1) for _ in range(4)]
    expected = forward_expected + (forward_expected[::-1] if adjoint else [])
    stage_inputs_ok = model.trace == expected
    model.trace = None
    for _ in range(args.warmup):
        iteration()
    model.nfe = 0
    times, cpu = [], []
    for _ in range(args.iterations):
        t0, c0 = time.perf_counter(), time.process_time()
        iteration()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "framework": "torchdiffeq",
        "dtype": args.dtype,
        "gradient_method": ("odeint_adjoint (continuous adjoint), method='rk4'" if adjoint
                            else "odeint (backpropagation through the solver), method='rk4'"),
        "seconds_per_iteration": statistics.median(times),
        "cpu_seconds_per_iteration": statistics.median(cpu),
        "iterations_timed": args.iterations,
        "warmup_iterations": args.warmup,
        "all_seconds": times,
        "rhs_evaluations_per_iteration": model.nfe / args.iterations,
        "stage_inputs_ok": stage_inputs_ok,
        "first_loss": losses[0],
        "last_loss": losses[-1],
        "batch": BATCH,
        "window": WINDOW,
        "samples": N_SAMPLES,
        "parameters": sum(p.numel() for p in model.parameters()),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gradient", choices=["adjoint", "backprop", "both"], default="both")
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    torch.set_num_threads(args.threads)
    results = []
    if args.gradient in ("adjoint", "both"):
        results.append(run(True, args))
    if args.gradient in ("backprop", "both"):
        results.append(run(False, args))
    out = {"benchmark": "fit_paper", "results": results,
           "environment": {"threads": args.threads, "torch_threads": torch.get_num_threads(),
                           "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
                           "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                           "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
                           "torch_version": torch.__version__, "loadavg_at_end": os.getloadavg()}}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
