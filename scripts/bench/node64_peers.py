#!/usr/bin/env python3
"""NODE-64 peer benchmark: gradient of a neural-ODE loss in diffrax (JAX) and torchdiffeq (PyTorch).

Problem (the SpinODE NODE-64 definition, followed exactly):
  state x in R^4, input u(t) = sin(0.3 t) cos(0.11 t),
  dx/dt = W3 tanh(W2 tanh(W1 [x; u] + b1) + b2) + b3, widths 5-64-64-4, Float64.
  W_l[i][j] = s_l sin(0.37 (i+1) + 0.71 (j+1) + l) / sqrt(m_l)  (0-based i = output row,
  j = input column, l = 1, 2, 3, m_l = fan-in, s = (3, 3, 2)); b_l[i] = 0.1 cos(0.5 (i+1) + l).
  Batch of 32 initial states x0[b][k] = 0.5 sin(1.3 (b+1) + 0.7 (k+1)), integrated as ONE ODE with
  state 32 x 4 and one shared step size. t in [0, 50], Dormand-Prince 5(4), rtol 1e-6, atol 1e-8.
  Observe x_0 at t_i = 0.5 i, i = 0..100; loss = mean over the 101 x 32 values of
  (x_0(t_i) - sin(0.2 t_i))^2; gradient with respect to all 4,804 MLP parameters.

Peers:
  diffrax: Dopri5, PIDController(rtol, atol) (diffrax default coefficients = integral controller),
           SaveAt(ts=...), dt0=None (diffrax initial step selection), RecursiveCheckpointAdjoint
           (the default), jax.jit(jax.value_and_grad(loss)). Compile time measured by AOT
           lower().compile() and reported separately; it is excluded from seconds_per_gradient.
  torchdiffeq: odeint(method='dopri5') with backpropagation through the solver, and
           odeint_adjoint(method='dopri5') (continuous adjoint, torchdiffeq default adjoint norm,
           adjoint rtol/atol = forward rtol/atol).

Timing: median wall time of --repeats (default 7) full value-and-gradient evaluations after one
warm-up call. Threads: --threads N (default 2; the machine has 2 cores) sets OMP_NUM_THREADS=N,
torch.set_num_threads(N) and XLA_FLAGS intra_op_parallelism_threads=N.
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are left as the environment sets them.

Counts: diffrax's sol.stats gives accepted/rejected steps of the forward solve; rhs_evaluations of
the forward solve are counted in a separate, untimed forward run with a jax.debug.callback in the
vector field. torchdiffeq: vector-field calls counted with a Python counter; accepted/rejected
steps via torchdiffeq's callback_accept_step / callback_reject_step hooks (forward pass; for the
adjoint also the backward solve's counts).

Setup (a throwaway venv outside the repository):
  python3 -m venv /work/venv-peers
  /work/venv-peers/bin/pip install "jax[cpu]" "diffrax>=0.7,<0.8" equinox torch torchdiffeq
Run:
  /work/venv-peers/bin/python scripts/bench/node64_peers.py --framework both
  /work/venv-peers/bin/python scripts/bench/node64_peers.py --framework diffrax --reference
      (--reference: additionally solve at rtol 1e-12, atol 1e-14 and compare with the issue's
       reference loss 78.290497 and gradient L2 norm 3000.8805)
Prints ONE JSON object: for a single configuration the fields framework, seconds_per_gradient,
compile_seconds, loss, gradient_norm, accepted_steps, rejected_steps, rhs_evaluations,
gradient_method (plus rtol, atol, ...); for several configurations {"benchmark", "results": [...]}.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time



def set_threads(n):
    """Thread count for torch (OMP_NUM_THREADS, torch.set_num_threads) and XLA; call before importing them."""
    os.environ["OMP_NUM_THREADS"] = str(n)
    if n == 1:
        os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    else:
        os.environ["XLA_FLAGS"] = f"--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={n}"

WIDTHS = (5, 64, 64, 4)
SCALES = (3.0, 3.0, 2.0)
BATCH = 32
T_END = 50.0
N_OBS = 101
REFERENCE_LOSS = 78.290497
REFERENCE_GRADIENT_NORM = 3000.8805


def weights_python():
    """The NODE-64 weights as nested Python lists [(W1, b1), (W2, b2), (W3, b3)], W of shape [out][in]."""
    layers = []
    for l in (1, 2, 3):
        m, n = WIDTHS[l - 1], WIDTHS[l]
        s = SCALES[l - 1]
        W = [[s * math.sin(0.37 * (i + 1) + 0.71 * (j + 1) + l) / math.sqrt(m) for j in range(m)] for i in range(n)]
        b = [0.1 * math.cos(0.5 * (i + 1) + l) for i in range(n)]
        layers.append((W, b))
    return layers


def initial_states_python():
    return [[0.5 * math.sin(1.3 * (b + 1) + 0.7 * (k + 1)) for k in range(4)] for b in range(BATCH)]


def observation_times_python():
    return [0.5 * i for i in range(N_OBS)]


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


# ----------------------------------------------------------------------------------------------
# diffrax
# ----------------------------------------------------------------------------------------------
def run_diffrax(rtol, atol, max_steps, repeats, timed=True):
    import jax
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    import jax.numpy as jnp
    import diffrax

    params = tuple((jnp.array(W, dtype=jnp.float64), jnp.array(b, dtype=jnp.float64)) for W, b in weights_python())
    x0 = jnp.array(initial_states_python(), dtype=jnp.float64)
    ts = jnp.array(observation_times_python(), dtype=jnp.float64)
    target = jnp.sin(0.2 * ts)

    def vector_field(t, x, p):
        (W1, b1), (W2, b2), (W3, b3) = p
        u = jnp.sin(0.3 * t) * jnp.cos(0.11 * t)
        v = jnp.concatenate([x, jnp.full((x.shape[0], 1), u, dtype=x.dtype)], axis=1)
        h = jnp.tanh(v @ W1.T + b1)
        h = jnp.tanh(h @ W2.T + b2)
        return h @ W3.T + b3

    def solve(p, field=vector_field):
        return diffrax.diffeqsolve(
            diffrax.ODETerm(field), diffrax.Dopri5(), t0=0.0, t1=T_END, dt0=None, y0=x0, args=p,
            saveat=diffrax.SaveAt(ts=ts),
            stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
            adjoint=diffrax.RecursiveCheckpointAdjoint(), max_steps=max_steps)

    def loss(p):
        sol = solve(p)
        return jnp.mean((sol.ys[:, :, 0] - target[:, None]) ** 2)

    value_and_grad = jax.jit(jax.value_and_grad(loss))
    t0 = time.perf_counter()
    compiled = value_and_grad.lower(params).compile()
    compile_seconds = time.perf_counter() - t0

    def once():
        value, grad = compiled(params)
        jax.block_until_ready((value, grad))
        return value, grad

    value, grad = once()  # warm-up
    if timed:
        seconds, all_times = median_time(once, repeats)
    else:
        seconds, all_times = None, []
    gnorm = math.sqrt(sum(float(jnp.sum(g ** 2)) for g in jax.tree_util.tree_leaves(grad)))

    # Step statistics of the forward solve.
    sol = jax.jit(solve)(params)
    stats = {k: int(v) for k, v in sol.stats.items()}

    # Vector-field evaluations of the forward solve, counted in an untimed run.
    counter = [0]

    def bump():
        counter[0] += 1

    def counted_field(t, x, p):
        jax.debug.callback(bump)
        return vector_field(t, x, p)

    counted = jax.jit(lambda p: solve(p, counted_field))(params)
    jax.block_until_ready(counted.ys)
    jax.effects_barrier()

    n_params = sum(int(a.size) for a in jax.tree_util.tree_leaves(params))
    return {
        "framework": "diffrax",
        "framework_version": diffrax.__version__,
        "jax_version": jax.__version__,
        "gradient_method": "RecursiveCheckpointAdjoint (discretise-then-optimise, jit value_and_grad)",
        "solver": "Dopri5 + PIDController (integral), dt0=None",
        "rtol": rtol,
        "atol": atol,
        "max_steps": max_steps,
        "seconds_per_gradient": seconds,
        "all_seconds": all_times,
        "compile_seconds": compile_seconds,
        "loss": float(value),
        "gradient_norm": gnorm,
        "parameters": n_params,
        "accepted_steps": stats["num_accepted_steps"],
        "rejected_steps": stats["num_rejected_steps"],
        "rhs_evaluations": counter[0],
        "rhs_evaluations_note": "forward solve only (counted by jax.debug.callback in an untimed run)",
    }


# ----------------------------------------------------------------------------------------------
# torchdiffeq
# ----------------------------------------------------------------------------------------------
def run_torchdiffeq(rtol, atol, repeats, adjoint):
    import torch
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    import torchdiffeq

    dtype = torch.float64

    class Field(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linears = torch.nn.ModuleList()
            for W, b in weights_python():
                lin = torch.nn.Linear(len(W[0]), len(W)).to(dtype)
                with torch.no_grad():
                    lin.weight.copy_(torch.tensor(W, dtype=dtype))
                    lin.bias.copy_(torch.tensor(b, dtype=dtype))
                self.linears.append(lin)
            self.nfe = 0
            self.accepted = 0
            self.rejected = 0
            self.accepted_adjoint = 0
            self.rejected_adjoint = 0

        def forward(self, t, x):
            self.nfe += 1
            u = torch.sin(0.3 * t) * torch.cos(0.11 * t)
            v = torch.cat([x, u.expand(x.shape[0], 1)], dim=1)
            h = torch.tanh(self.linears[0](v))
            h = torch.tanh(self.linears[1](h))
            return self.linears[2](h)

        def callback_accept_step(self, t0, y0, dt):
            self.accepted += 1

        def callback_reject_step(self, t0, y0, dt):
            self.rejected += 1

        def callback_accept_step_adjoint(self, t0, y0, dt):
            self.accepted_adjoint += 1

        def callback_reject_step_adjoint(self, t0, y0, dt):
            self.rejected_adjoint += 1

    field = Field()
    x0 = torch.tensor(initial_states_python(), dtype=dtype)
    ts = torch.tensor(observation_times_python(), dtype=dtype)
    target = torch.sin(0.2 * ts)
    solver = torchdiffeq.odeint_adjoint if adjoint else torchdiffeq.odeint

    def once():
        field.zero_grad(set_to_none=True)
        ys = solver(field, x0, ts, rtol=rtol, atol=atol, method="dopri5")
        loss = torch.mean((ys[:, :, 0] - target[:, None]) ** 2)
        loss.backward()
        return loss

    once()  # warm-up
    seconds, all_times = median_time(once, repeats)

    # One counted evaluation (forward, then backward separately).
    field.nfe = field.accepted = field.rejected = field.accepted_adjoint = field.rejected_adjoint = 0
    field.zero_grad(set_to_none=True)
    ys = solver(field, x0, ts, rtol=rtol, atol=atol, method="dopri5")
    forward_nfe, accepted, rejected = field.nfe, field.accepted, field.rejected
    loss = torch.mean((ys[:, :, 0] - target[:, None]) ** 2)
    loss.backward()
    backward_nfe = field.nfe - forward_nfe
    gnorm = math.sqrt(sum(float(torch.sum(p.grad ** 2)) for p in field.parameters()))
    result = {
        "framework": "torchdiffeq",
        "framework_version": getattr(torchdiffeq, "__version__", "unknown"),
        "torch_version": torch.__version__,
        "gradient_method": ("odeint_adjoint (continuous adjoint, default norm)" if adjoint
                            else "odeint (backpropagation through the solver)"),
        "solver": "dopri5",
        "rtol": rtol,
        "atol": atol,
        "seconds_per_gradient": seconds,
        "all_seconds": all_times,
        "compile_seconds": 0.0,
        "loss": float(loss.detach()),
        "gradient_norm": gnorm,
        "parameters": sum(p.numel() for p in field.parameters()),
        "accepted_steps": accepted,
        "rejected_steps": rejected,
        "rhs_evaluations": forward_nfe,
        "rhs_evaluations_note": "forward solve only; backward_rhs_evaluations = vector-field calls during backward",
        "backward_rhs_evaluations": backward_nfe,
        "torch_threads": torch.get_num_threads(),
    }
    if adjoint:
        result["adjoint_accepted_steps"] = field.accepted_adjoint
        result["adjoint_rejected_steps"] = field.rejected_adjoint
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--framework", choices=["diffrax", "torchdiffeq", "both"], default="both")
    ap.add_argument("--torch-gradient", choices=["backprop", "adjoint", "both"], default="both")
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-8)
    ap.add_argument("--max-steps", type=int, default=4096, help="diffrax max_steps (its default 4096)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2, help="OMP_NUM_THREADS / torch threads / XLA intra-op threads")
    ap.add_argument("--reference", action="store_true",
                    help="also solve with diffrax at rtol 1e-12, atol 1e-14 (max_steps 200000, also timed)")
    args = ap.parse_args()
    set_threads(args.threads)

    results = []
    if args.framework in ("diffrax", "both"):
        results.append(run_diffrax(args.rtol, args.atol, args.max_steps, args.repeats))
    if args.framework in ("torchdiffeq", "both"):
        if args.torch_gradient in ("backprop", "both"):
            results.append(run_torchdiffeq(args.rtol, args.atol, args.repeats, adjoint=False))
        if args.torch_gradient in ("adjoint", "both"):
            results.append(run_torchdiffeq(args.rtol, args.atol, args.repeats, adjoint=True))
    if args.reference:
        ref = run_diffrax(1e-12, 1e-14, 200000, args.repeats)
        ref["framework"] = "diffrax-reference"
        ref["reference_loss"] = REFERENCE_LOSS
        ref["reference_gradient_norm"] = REFERENCE_GRADIENT_NORM
        ref["loss_relative_difference"] = (ref["loss"] - REFERENCE_LOSS) / REFERENCE_LOSS
        ref["gradient_norm_relative_difference"] = (ref["gradient_norm"] - REFERENCE_GRADIENT_NORM) / REFERENCE_GRADIENT_NORM
        results.append(ref)

    env = {
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "XLA_FLAGS": os.environ.get("XLA_FLAGS"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "loadavg_at_end": os.getloadavg(),
    }
    for r in results:
        r["environment"] = env
    if len(results) == 1:
        out = results[0]
    else:
        out = {"benchmark": "node64", "results": results}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
