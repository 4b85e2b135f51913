#!/usr/bin/env python3
"""Rebuild a SpinODE surrogate from `spinode export` output with NumPy, and run it.

The vector field is the one of docs/surrogate-model.md (Chen et al., Nat. Commun. 13, 1016 (2022)):

    y    = delay-embedded, normalised outputs (channel-major, k delays each) + `augment` latent zeros
    v    = [y, u~_0(t), u~_0(t + dt), ..., u~_0(t + (k-1) dt), u~_1(t), ..., p~]
    dy/dtau = MLP(v) + A y,        tau = t / time_scale,   one sample = d_tau = sample_interval / time_scale
    x_c(t_i) = output_mean_c + output_std_c * y_{c k}(tau_i)

Inputs between samples: `zoh` holds sample i over [t_i, t_{i+1}] (within step i every stage uses it, the
left limit at the step's end), `linear` interpolates, `cubic` is the natural cubic spline through the samples.
Beyond the last input sample the inputs are held at their last value (all three rules).

Load a directory written by `spinode export MODEL.h5 --out DIR` (config.json plus model.safetensors,
model.npz or model.json). Integrate with classic fixed-step RK4 on the sample grid (`--method rk4`, the
paper's solver) or with scipy's solve_ivp (`--method solve_ivp`, adaptive, per sample interval for zoh).

With --free-run the outputs are formed as `spinode predict` forms them: integrate to sample T - k, then
take the last state's remaining delays for the last k - 1 samples (checked by hand on 2026-11-29: identical
to `spinode predict --solver rk4` to the last bit for zoh, linear and cubic inputs on a 40-sample trace).

Example:
    python3 scripts/surrogate_numpy.py export/ --inputs drive.csv --x0 first_outputs.csv --free-run --out predicted.csv

Only NumPy is needed for RK4; solve_ivp needs SciPy.
"""
import argparse
import json
import os
import sys

import numpy as np

ACTIVATIONS = {
    "tanh": np.tanh,
    "softplus": lambda x: np.logaddexp(0.0, x),  # log(1 + exp(x)), overflow-free
    "relu": lambda x: np.maximum(x, 0.0),
    "identity": lambda x: x,
}


def read_safetensors(path):
    """Tensors of a .safetensors file: 8-byte little-endian header length, JSON header, raw data."""
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    dtypes = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[base + begin:base + end], dtype=dtypes[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).astype(np.float64)
    return tensors


def load_tensors(directory, config):
    path = os.path.join(directory, config["tensor_file"])
    if path.endswith(".safetensors"):
        return read_safetensors(path)
    if path.endswith(".npz"):
        with np.load(path) as archive:
            return {name: archive[name].astype(np.float64) for name in archive.files}
    if path.endswith(".json"):
        with open(path) as f:
            weights = json.load(f)["weights"]
        return {name: np.asarray(value, dtype=np.float64) for name, value in weights.items()}
    raise ValueError(f"{path}: unknown tensor file type")


def natural_cubic_coefficients(y, h):
    """Second derivatives M of the natural cubic spline through y (rows = uniform samples, spacing h)."""
    n = y.shape[0]
    m = np.zeros_like(y)
    if n < 3:
        return m
    rhs = 6.0 * (y[2:] - 2.0 * y[1:-1] + y[:-2]) / (h * h)
    # Thomas algorithm for the tridiagonal system M_{i-1} + 4 M_i + M_{i+1} = rhs_i, M_0 = M_{n-1} = 0.
    size = n - 2
    c = np.zeros(size)
    d = np.zeros_like(rhs)
    c[0] = 1.0 / 4.0
    d[0] = rhs[0] / 4.0
    for i in range(1, size):
        denom = 4.0 - c[i - 1]
        c[i] = 1.0 / denom
        d[i] = (rhs[i] - d[i - 1]) / denom
    x = np.zeros_like(rhs)
    x[-1] = d[-1]
    for i in range(size - 2, -1, -1):
        x[i] = d[i] - c[i] * x[i + 1]
    m[1:-1] = x
    return m


class Surrogate:
    """The vector field of docs/surrogate-model.md, rebuilt from an export directory."""

    def __init__(self, directory):
        with open(os.path.join(directory, "config.json")) as f:
            self.config = c = json.load(f)
        tensors = load_tensors(directory, c)
        self.k = c["embedding_order"]
        self.augment = c["augment"]
        self.n_out, self.n_in, self.n_par = c["n_out"], c["n_in"], c["n_par"]
        self.n = c["state_dimension"]
        self.layers = []
        for layer in c["layers"]:
            w, b = tensors[layer["weight"]], tensors[layer["bias"]]
            self.layers.append((w, b, ACTIVATIONS[layer["activation"]]))
        self.linear = None if c["linear_term"] is None else np.asarray(c["linear_term"], dtype=np.float64)
        norm = c["normalisation"]
        self.norm = {key: np.asarray(value, dtype=np.float64) for key, value in norm.items()}
        self.sample_interval = c["sample_interval"]
        self.time_scale = c["time_scale"]
        self.dtau = self.sample_interval / self.time_scale
        self.interpolation = c["input_interpolation"]
        self.p = np.zeros(0)
        self.set_inputs(np.zeros((1, self.n_in)))

    # -- inputs ---------------------------------------------------------------------------------
    def set_inputs(self, u, parameters=None):
        """Physical inputs u [T, n_in] on the sample grid (row i at t_i) and parameters [n_par]."""
        u = np.asarray(u, dtype=np.float64).reshape(len(u), self.n_in)
        self.u = (u - self.norm["input_mean"]) / self.norm["input_std"]
        p = np.zeros(self.n_par) if parameters is None else np.asarray(parameters, dtype=np.float64)
        self.p = (p - self.norm["parameter_mean"]) / self.norm["parameter_std"]
        if self.interpolation == "cubic":
            self.spline_m = natural_cubic_coefficients(self.u, self.dtau)

    def input_at(self, tau, step):
        """Normalised inputs at tau (all channels). `step` is the current sample interval (zoh)."""
        last = len(self.u) - 1
        if self.interpolation == "zoh":
            return self.u[min(step, last)]
        s = min(max(tau / self.dtau, 0.0), float(last))
        i = min(int(np.floor(s)), max(last - 1, 0))
        if last == 0:
            return self.u[0]
        frac = s - i
        if self.interpolation == "linear":
            return (1.0 - frac) * self.u[i] + frac * self.u[i + 1]
        h = self.dtau
        x = frac * h
        y0, y1, m0, m1 = self.u[i], self.u[i + 1], self.spline_m[i], self.spline_m[i + 1]
        b = (y1 - y0) / h - h * (2.0 * m0 + m1) / 6.0
        return y0 + b * x + 0.5 * m0 * x * x + (m1 - m0) / (6.0 * h) * x ** 3

    def delayed_inputs(self, tau, step):
        """[u~_0(t), ..., u~_0(t + (k-1) dt), u~_1(t), ...] (channel-major delays)."""
        rows = [self.input_at(tau + m * self.dtau, step + m) for m in range(self.k)]
        return np.array(rows).T.reshape(-1) if self.n_in > 0 else np.zeros(0)

    # -- vector field -----------------------------------------------------------------------------
    def mlp(self, v):
        h = v
        for w, b, act in self.layers:
            h = act(w @ h + b)
        return h

    def rhs(self, tau, y, step):
        v = np.concatenate([y, self.delayed_inputs(tau, step), self.p])
        dy = self.mlp(v)
        if self.linear is not None:
            dy = dy + self.linear @ y
        return dy

    # -- embedding and outputs ------------------------------------------------------------------
    def embed(self, x_first):
        """Initial state from physical outputs at samples 0..k-1 ([k, n_out]); latent part 0."""
        x = (np.asarray(x_first, dtype=np.float64).reshape(self.k, self.n_out) - self.norm["output_mean"]) / self.norm["output_std"]
        return np.concatenate([x.T.reshape(-1), np.zeros(self.augment)])

    def outputs(self, states):
        """Physical outputs x_c = mean_c + std_c y_{c k} for states [N, n]."""
        return self.norm["output_mean"] + self.norm["output_std"] * states[:, 0:self.k * self.n_out:self.k]

    # -- integration ----------------------------------------------------------------------------
    def rk4(self, y0, steps):
        """Classic RK4 (Kutta 1901), one step per sample interval: states at samples 0..steps."""
        h = self.dtau
        y = np.asarray(y0, dtype=np.float64).copy()
        states = [y.copy()]
        for i in range(steps):
            tau = i * h
            k1 = self.rhs(tau, y, i)
            k2 = self.rhs(tau + 0.5 * h, y + 0.5 * h * k1, i)
            k3 = self.rhs(tau + 0.5 * h, y + 0.5 * h * k2, i)
            k4 = self.rhs(tau + h, y + h * k3, i)
            y = y + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            states.append(y.copy())
        return np.array(states)

    def free_run(self, y0, samples, integrate=None):
        """Physical outputs at samples 0..samples-1 as `spinode predict` forms them
        (Sources/Surrogate/Prediction/FreeRunPrediction.swift): integrate samples - k sample steps, take
        y_{c k} at each of those samples, then the remaining delays y_{c k + d}, d = 1..k-1, of the
        last state for the last k - 1 samples (so no input beyond the last sample is needed)."""
        steps = samples - self.k
        if steps < 0:
            raise ValueError(f"free run needs at least k = {self.k} samples")
        states = (integrate or self.rk4)(y0, steps)
        normalised = [states[:, c * self.k] for c in range(self.n_out)]
        tail = [[states[-1][c * self.k + d] for d in range(1, self.k)] for c in range(self.n_out)]
        series = np.array([np.concatenate([normalised[c], tail[c]]) for c in range(self.n_out)]).T
        return self.norm["output_mean"] + self.norm["output_std"] * series

    def solve_ivp(self, y0, steps, rtol=1e-10, atol=1e-12, method="DOP853"):
        """scipy.integrate.solve_ivp; with zoh, restarted at every sample (each is a jump)."""
        from scipy.integrate import solve_ivp
        h = self.dtau
        y = np.asarray(y0, dtype=np.float64).copy()
        if self.interpolation == "zoh":
            states = [y.copy()]
            for i in range(steps):
                sol = solve_ivp(lambda t, z: self.rhs(t, z, i), (i * h, (i + 1) * h), y, method=method,
                                rtol=rtol, atol=atol)
                y = sol.y[:, -1]
                states.append(y.copy())
            return np.array(states)
        grid = np.arange(steps + 1) * h
        sol = solve_ivp(lambda t, z: self.rhs(t, z, int(np.floor(t / h))), (0.0, grid[-1]), y, method=method,
                        t_eval=grid, rtol=rtol, atol=atol)
        return sol.y.T


def read_array(path):
    if path.endswith(".npy"):
        return np.load(path).astype(np.float64)
    rows = []
    with open(path) as f:
        for line in f:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            fields = [x for x in text.replace(",", " ").replace("\t", " ").split(" ") if x]
            try:
                rows.append([float(x) for x in fields])
            except ValueError:
                if rows:
                    raise
                continue  # header line
    return np.array(rows, dtype=np.float64)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", help="directory written by `spinode export`")
    parser.add_argument("--inputs", help="physical inputs, one row per sample: CSV/TSV or .npy [T] or [T, n_in]")
    parser.add_argument("--parameters", help="comma-separated physical parameters (n_par values)")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--y0", help="initial normalised embedded state, comma-separated (n values)")
    group.add_argument("--x0", help="physical outputs at samples 0..k-1: CSV or .npy [k, n_out]")
    parser.add_argument("--steps", type=int, help="sample intervals to integrate (default: input samples - 1)")
    parser.add_argument("--method", choices=["rk4", "solve_ivp"], default="rk4")
    parser.add_argument("--rtol", type=float, default=1e-10)
    parser.add_argument("--atol", type=float, default=1e-12)
    parser.add_argument("--state", action="store_true", help="write the whole normalised state, not the outputs")
    parser.add_argument("--free-run", action="store_true",
                        help="outputs at every input sample as `spinode predict` forms them: integrate to sample "
                             "T - k, then the last state's remaining delays for the last k - 1 samples")
    parser.add_argument("--out", help="output file (.npy or CSV); default: CSV on stdout")
    args = parser.parse_args(argv)

    model = Surrogate(args.directory)
    u = read_array(args.inputs) if args.inputs else np.zeros((1, model.n_in))
    if u.ndim == 1:
        u = u.reshape(-1, 1) if model.n_in == 1 else u.reshape(1, -1)
    params = [float(x) for x in args.parameters.split(",")] if args.parameters else None
    model.set_inputs(u, params)
    y0 = np.array([float(x) for x in args.y0.split(",")]) if args.y0 else model.embed(read_array(args.x0))
    if y0.shape != (model.n,):
        sys.exit(f"initial state has {y0.size} values, the model's state dimension is {model.n}")
    steps = args.steps if args.steps is not None else max(len(u) - 1, 0)
    integrate = model.rk4 if args.method == "rk4" else (lambda y, n: model.solve_ivp(y, n, args.rtol, args.atol))
    if args.free_run:
        if args.state:
            sys.exit("--free-run writes outputs; drop --state")
        result = model.free_run(y0, steps + 1, integrate)
    else:
        states = integrate(y0, steps)
        result = states if args.state else model.outputs(states)
    names = [f"y{i}" for i in range(model.n)] if args.state else model.config["output_names"]
    write_result(result, names, model.sample_interval, args.out)


def write_result(result, names, sample_interval, out):
    """Writes one row per sample (t in seconds, then the columns `names`): to `out` as .npy (values only) or
    CSV, or to standard output when `out` is empty."""
    if out and out.endswith(".npy"):
        np.save(out, result)
        return
    times = np.arange(len(result)) * sample_interval
    lines = ["t," + ",".join(names)]
    lines += [",".join([repr(float(t))] + [repr(float(v)) for v in row]) for t, row in zip(times, result)]
    text = "\n".join(lines) + "\n"
    if out:
        with open(out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
