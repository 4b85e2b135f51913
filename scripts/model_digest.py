#!/usr/bin/env python3
"""Recompute the weights digest of a SpinODE model file with h5py, and compare it with the stored one.

The digest (`/@weights_sha256`, docs/model-file.md "Weights digest") is the SHA-256 of these fields, in
order, each int as int64 little-endian, each real as float64 little-endian (the stored bits), each text
as int(byte count) + UTF-8 bytes, each list as int(count) + its elements:

    text("spinode-model-digest-1")
    int(embedding_order) int(augment) int(n_out) int(n_in) int(n_par)
    text(input_interpolation) real(sample_interval) real(time_scale)
    texts(output_names) texts(input_names) texts(parameter_names)
    texts(output_units) texts(input_units) texts(parameter_units)
    int(L); per layer: text(activation) int(rows) int(columns) reals(weight, row-major) reals(bias)
    reals(output_mean) reals(output_std) reals(input_mean) reals(input_std) reals(parameter_mean) reals(parameter_std)
    int(rows) int(columns) reals(linear_term)            (0, 0, empty when absent)

An ensemble model (docs/model-file.md, "Ensembles") stores one digest per further member,
`/ensemble/memberI/@weights_sha256`: the same bytes with that member's layers (from `ensemble/memberI/mlp`).

Example:
    python3 scripts/model_digest.py model.h5        # prints the digest (then "memberI DIGEST" per further
                                                    # ensemble member); exit 1 if one differs from the stored one
"""
import hashlib
import struct
import sys

import h5py
import numpy as np


def text_value(x):
    return x.decode("utf-8") if isinstance(x, bytes) else str(x)


def weights_digest(path, member=None):
    """The digest of the model at `path` (member=None: the root network; member=I: /ensemble/memberI) and the stored one."""
    h = hashlib.sha256()
    mlp = "mlp" if member is None else f"ensemble/member{member}/mlp"

    def integer(v):
        h.update(struct.pack("<q", int(v)))

    def real(v):
        h.update(struct.pack("<d", float(v)))

    def text(s):
        b = text_value(s).encode("utf-8")
        integer(len(b))
        h.update(b)

    def reals(a):
        a = np.ascontiguousarray(np.asarray(a, dtype="<f8")).ravel()
        integer(a.size)
        h.update(a.tobytes())

    def texts(a):
        integer(len(a))
        for s in a:
            text(s)

    with h5py.File(path, "r") as f:
        r = f.attrs
        k, n_out, n_in, n_par = (int(r[key]) for key in ("embedding_order", "n_out", "n_in", "n_par"))
        text("spinode-model-digest-1")
        for v in (k, int(r["augment"]), n_out, n_in, n_par):
            integer(v)
        text(r["input_interpolation"])
        real(r["sample_interval"])
        real(r["time_scale"])
        # Absent name lists (written only when non-empty) take the reader's defaults.
        for key, count, prefix in (("output_names", n_out, "x"), ("input_names", n_in, "u"), ("parameter_names", n_par, "p")):
            texts(list(r[key]) if key in r else [f"{prefix}{i}" for i in range(count)])
        for key, count in (("output_units", n_out), ("input_units", n_in), ("parameter_units", n_par)):
            texts(list(r[key]) if key in r else [""] * count)
        activations = [text_value(a) for a in r["activations"]]
        integer(len(activations))
        for l, activation in enumerate(activations, start=1):
            w = f[f"{mlp}/layer{l}/weight"][()]
            text(activation)
            integer(w.shape[0])
            integer(w.shape[1])
            reals(w)
            reals(f[f"{mlp}/layer{l}/bias"][()])
        for key in ("output_mean", "output_std", "input_mean", "input_std", "parameter_mean", "parameter_std"):
            reals(f["normalisation/" + key][()])
        if "linear_term" in f:
            a = f["linear_term"][()]
            integer(a.shape[0])
            integer(a.shape[1])
            reals(a)
        else:
            integer(0)
            integer(0)
            reals([])
        attrs = r if member is None else f[f"ensemble/member{member}"].attrs
        stored = text_value(attrs["weights_sha256"]) if "weights_sha256" in attrs else None
    return h.hexdigest(), stored


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: model_digest.py MODEL.h5")
    computed, stored = weights_digest(sys.argv[1])
    print(computed)
    if stored is None:
        print(f"{sys.argv[1]}: no stored weights_sha256 (written before model files carried one)", file=sys.stderr)
    elif stored != computed:
        sys.exit(f"{sys.argv[1]}: weights digest mismatch: stored {stored}, contents give {computed}")
    with h5py.File(sys.argv[1], "r") as f:
        members = int(f["ensemble"].attrs["n_members"]) if "ensemble" in f else 1
    for i in range(2, members + 1):
        computed, stored = weights_digest(sys.argv[1], member=i)
        print(f"member{i} {computed}")
        if stored != computed:
            sys.exit(f"{sys.argv[1]}: /ensemble/member{i}: weights digest mismatch: stored {stored}, contents give {computed}")
