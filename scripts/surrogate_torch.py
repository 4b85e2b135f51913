#!/usr/bin/env python3
"""A SpinODE surrogate as a PyTorch nn.Module, integrated with torchdiffeq.

Loads a directory written by `spinode export MODEL.h5 --out DIR` (config.json plus model.safetensors,
model.npz or model.json) and rebuilds the vector field of docs/surrogate-model.md
(Chen et al., Nat. Commun. 13, 1016 (2022)):

    dy/dtau = MLP([y, delayed normalised inputs u~, p~]) + A y,   tau = t / time_scale

The MLP is a torch.nn.Sequential whose state_dict names are the exported tensor names ("0.weight",
"0.bias", "2.weight", ...); the weights are loaded with strict=True. Softplus is computed exactly as
log(1 + exp(x)) (torch.nn.Softplus switches to x above its threshold, which would differ by ~1e-9).

Integration:
  --method rk4     classic fixed-step RK4 on the sample grid, the paper's solver (written out here:
                   torchdiffeq's "rk4" is Kutta's 3/8 rule, a different method);
  --method dopri5  (or any torchdiffeq method) adaptive, through torchdiffeq.odeint; with zoh inputs the
                   integration restarts at every sample, since each sample time is a jump.
Input interpolation (zoh, linear, natural cubic), the embedding and the de-normalisation are those of
scripts/surrogate_numpy.py, which this script reuses for file loading.

torch and torchdiffeq are imported lazily: this file only runs where they are installed.
Example:
    python3 scripts/surrogate_torch.py export/ --inputs drive.csv --x0 first.csv --method dopri5 --out pred.csv
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from surrogate_numpy import load_tensors, natural_cubic_coefficients, read_array, write_result  # noqa: E402


def build(directory, dtype=None):
    """The vector field module for an export directory (float64 by default)."""
    import json
    import torch

    dtype = dtype or torch.float64
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    tensors = load_tensors(directory, config)

    class ExactSoftplus(torch.nn.Module):
        def forward(self, x):
            return torch.logaddexp(x, torch.zeros_like(x))

    activations = {"tanh": torch.nn.Tanh, "softplus": ExactSoftplus, "relu": torch.nn.ReLU,
                   "identity": torch.nn.Identity}

    class SurrogateField(torch.nn.Module):
        def __init__(self):
            super().__init__()
            c = config
            self.config = c
            self.k, self.augment = c["embedding_order"], c["augment"]
            self.n_out, self.n_in, self.n_par, self.n = c["n_out"], c["n_in"], c["n_par"], c["state_dimension"]
            modules = []
            layers = c["layers"]
            for l, layer in enumerate(layers):
                out_features, in_features = layer["shape"]
                modules.append(torch.nn.Linear(in_features, out_features, dtype=dtype))
                if l < len(layers) - 1 or layer["activation"] != "identity":
                    modules.append(activations[layer["activation"]]())
            self.mlp = torch.nn.Sequential(*modules)
            self.mlp.load_state_dict({name: torch.tensor(value, dtype=dtype) for name, value in tensors.items()},
                                     strict=True)
            lt = c["linear_term"]
            self.register_buffer("linear", None if lt is None else torch.tensor(lt, dtype=dtype))
            for key, value in c["normalisation"].items():
                self.register_buffer(key, torch.tensor(value, dtype=dtype).reshape(-1))
            self.dtau = c["sample_interval"] / c["time_scale"]
            self.interpolation = c["input_interpolation"]
            self.step = 0
            self.set_inputs(np.zeros((1, self.n_in)))

        def set_inputs(self, u, parameters=None):
            """Physical inputs [T, n_in] on the sample grid and parameters [n_par]."""
            u = torch.tensor(np.asarray(u, dtype=np.float64).reshape(len(u), self.n_in), dtype=dtype)
            self.u = (u - self.input_mean) / self.input_std
            p = torch.zeros(self.n_par, dtype=dtype) if parameters is None else torch.tensor(parameters, dtype=dtype)
            self.p = (p - self.parameter_mean) / self.parameter_std
            if self.interpolation == "cubic":
                m = natural_cubic_coefficients(self.u.numpy(), self.dtau)
                self.spline_m = torch.tensor(m, dtype=dtype)

        def input_at(self, tau, step):
            last = self.u.shape[0] - 1
            if self.interpolation == "zoh" or last == 0:
                return self.u[min(step, last)]
            s = min(max(float(tau) / self.dtau, 0.0), float(last))
            i = min(int(np.floor(s)), last - 1)
            frac = s - i
            if self.interpolation == "linear":
                return (1.0 - frac) * self.u[i] + frac * self.u[i + 1]
            h = self.dtau
            x = frac * h
            y0, y1, m0, m1 = self.u[i], self.u[i + 1], self.spline_m[i], self.spline_m[i + 1]
            b = (y1 - y0) / h - h * (2.0 * m0 + m1) / 6.0
            return y0 + b * x + 0.5 * m0 * x * x + (m1 - m0) / (6.0 * h) * x ** 3

        def forward(self, tau, y):
            """dy/dtau for y of shape [n] or [batch, n]; zoh uses the current `step`."""
            rows = [self.input_at(float(tau) + m * self.dtau, self.step + m) for m in range(self.k)]
            delayed = torch.stack(rows).T.reshape(-1) if self.n_in > 0 else torch.zeros(0, dtype=dtype)
            extra = torch.cat([delayed, self.p]).expand(*y.shape[:-1], -1)
            dy = self.mlp(torch.cat([y, extra], dim=-1))
            if self.linear is not None:
                dy = dy + y @ self.linear.T
            return dy

        def embed(self, x_first):
            x = (torch.tensor(np.asarray(x_first, dtype=np.float64).reshape(self.k, self.n_out), dtype=dtype)
                 - self.output_mean) / self.output_std
            return torch.cat([x.T.reshape(-1), torch.zeros(self.augment, dtype=dtype)])

        def outputs(self, states):
            return self.output_mean + self.output_std * states[..., 0:self.k * self.n_out:self.k]

        def rk4(self, y0, steps):
            """Classic RK4, one step per sample: states at samples 0..steps."""
            h = self.dtau
            y = y0
            states = [y]
            for i in range(steps):
                self.step = i
                tau = i * h
                k1 = self(tau, y)
                k2 = self(tau + 0.5 * h, y + 0.5 * h * k1)
                k3 = self(tau + 0.5 * h, y + 0.5 * h * k2)
                k4 = self(tau + h, y + h * k3)
                y = y + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
                states.append(y)
            return torch.stack(states)

        def free_run(self, y0, samples, integrate=None):
            """Outputs at samples 0..samples-1 as `spinode predict` forms them (see surrogate_numpy.py)."""
            states = (integrate or self.rk4)(y0, samples - self.k)
            k = self.k
            heads = states[:, 0:k * self.n_out:k]
            tail = torch.stack([states[-1][c * k + 1:(c + 1) * k] for c in range(self.n_out)], dim=1)
            return self.output_mean + self.output_std * torch.cat([heads, tail], dim=0)

        def odeint(self, y0, steps, method="dopri5", rtol=1e-10, atol=1e-12, adjoint=False):
            """torchdiffeq.odeint (or odeint_adjoint) on the sample grid; restarted per sample for zoh."""
            import torchdiffeq
            solve = torchdiffeq.odeint_adjoint if adjoint else torchdiffeq.odeint
            h = self.dtau
            if self.interpolation == "zoh":
                y = y0
                states = [y]
                for i in range(steps):
                    self.step = i
                    span = torch.tensor([i * h, (i + 1) * h], dtype=dtype)
                    y = solve(self, y, span, method=method, rtol=rtol, atol=atol)[-1]
                    states.append(y)
                return torch.stack(states)
            grid = torch.arange(steps + 1, dtype=dtype) * h
            return solve(self, y0, grid, method=method, rtol=rtol, atol=atol)

    return SurrogateField()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--inputs", help="physical inputs, one row per sample: CSV/TSV or .npy")
    parser.add_argument("--parameters", help="comma-separated physical parameters")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--y0", help="initial normalised embedded state, comma-separated")
    group.add_argument("--x0", help="physical outputs at samples 0..k-1: CSV or .npy [k, n_out]")
    parser.add_argument("--steps", type=int)
    parser.add_argument("--method", default="rk4", help="rk4 (classic, fixed) or a torchdiffeq method (dopri5, ...)")
    parser.add_argument("--rtol", type=float, default=1e-10)
    parser.add_argument("--atol", type=float, default=1e-12)
    parser.add_argument("--state", action="store_true")
    parser.add_argument("--free-run", action="store_true", help="outputs as `spinode predict` forms them")
    parser.add_argument("--out")
    args = parser.parse_args(argv)

    import torch

    model = build(args.directory)
    u = read_array(args.inputs) if args.inputs else np.zeros((1, model.n_in))
    if u.ndim == 1:
        u = u.reshape(-1, 1) if model.n_in == 1 else u.reshape(1, -1)
    model.set_inputs(u, [float(x) for x in args.parameters.split(",")] if args.parameters else None)
    if args.y0:
        y0 = torch.tensor([float(x) for x in args.y0.split(",")], dtype=torch.float64)
    else:
        y0 = model.embed(read_array(args.x0))
    steps = args.steps if args.steps is not None else max(len(u) - 1, 0)
    def integrate(y, n):
        return model.rk4(y, n) if args.method == "rk4" else model.odeint(y, n, args.method, args.rtol, args.atol)

    with torch.no_grad():
        if args.free_run:
            result = model.free_run(y0, steps + 1, integrate).numpy()
        else:
            states = integrate(y0, steps)
            result = (states if args.state else model.outputs(states)).numpy()
    names = [f"y{i}" for i in range(model.n)] if args.state else model.config["output_names"]
    write_result(result, names, model.config["sample_interval"], args.out)


if __name__ == "__main__":
    main()
