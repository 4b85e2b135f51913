#!/usr/bin/env python3
"""Derives the coefficients of RationalTanh (Sources/Surrogate/Kernels/RationalTanh.swift):
tanh(x) ~ x P(x^2) / Q(x^2) on [0, X], P of degree 6, Q of degree 3 (q_0 = 1), near-minimax in
relative error.

Method: Loeb's linearised least squares (minimise sum w (P - g Q)^2 / (g Q_prev)^2 with g = tanh(x)/x,
iterated so that Q_prev converges to Q) with Lawson's reweighting (w <- w |error|^(1/2)) for a
near-equioscillating error; 6,000 Chebyshev nodes plus 3,000 uniform ones on [1e-4, X]; tanh from
mpmath at 40 digits; the variable scaled to (x / X)^2 in [0, 1] for conditioning. It then rounds the
coefficients to Float32, evaluates x P / Q in Float32 with fused multiply-adds (emulated in Float64,
one rounding per operation) on 2.2 million points, and prints the largest relative error.

Needs numpy and mpmath (a throwaway venv: python3 -m venv /tmp/v && /tmp/v/bin/pip install numpy mpmath).
Run: python3 scripts/fit-rational-tanh.py [X=9.5] [deg P=6] [deg Q=3]
"""
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 40
X = float(sys.argv[1]) if len(sys.argv) > 1 else 9.5
NP = int(sys.argv[2]) if len(sys.argv) > 2 else 6
NQ = int(sys.argv[3]) if len(sys.argv) > 3 else 3

N = 6000
x = np.array([X * (1 - np.cos(np.pi * (i + 0.5) / N)) / 2 for i in range(N)])
x = np.sort(np.concatenate([x, np.linspace(1e-4, X, 3000)]))
g = np.array([float(mp.tanh(mp.mpf(v)) / mp.mpf(v)) for v in x])
s = (x / X) ** 2
A_p = np.stack([s ** k for k in range(NP + 1)], 1)
A_q = np.stack([s ** k for k in range(1, NQ + 1)], 1)
w = np.ones_like(x)
q_prev = np.ones_like(x)
for it in range(60):
    scale = np.sqrt(w) / (g * q_prev)
    M = np.concatenate([A_p, -g[:, None] * A_q], 1) * scale[:, None]
    c, *_ = np.linalg.lstsq(M, g * scale, rcond=None)
    P = A_p @ c[:NP + 1]
    Q = 1 + A_q @ c[NP + 1:]
    err = P / Q / g - 1
    q_prev = Q
    if it > 5:
        w = w * np.abs(err) ** 0.5
    w /= w.sum()
print("fit: max relative error", float(np.max(np.abs(err))))
p = [c[k] / X ** (2 * k) for k in range(NP + 1)]
q = [1.0] + [c[NP + k] / X ** (2 * k) for k in range(1, NQ + 1)]
p32 = [np.float32(v) for v in p]
q32 = [np.float32(v) for v in q]


def evaluate(xs):
    """x P(x^2) / Q(x^2) in Float32 with fused multiply-adds, clamped as the Swift code does."""
    xs = np.clip(xs, -X, X).astype(np.float32)
    t = xs * xs
    pp = np.full_like(xs, p32[-1])
    for k in range(NP - 1, -1, -1):
        pp = (pp.astype(np.float64) * t.astype(np.float64) + np.float64(p32[k])).astype(np.float32)
    qq = np.full_like(xs, q32[-1])
    for k in range(NQ - 1, -1, -1):
        qq = (qq.astype(np.float64) * t.astype(np.float64) + np.float64(q32[k])).astype(np.float32)
    return np.clip((xs * pp) / qq, -1, 1)


xs = np.linspace(0, X + 3, 2_000_001, dtype=np.float32)[1:]
xs = np.concatenate([xs, (np.float32(10.0) ** np.linspace(-8, 0, 200_001)).astype(np.float32)])
rel = np.abs(evaluate(xs).astype(np.float64) / np.tanh(xs.astype(np.float64)) - 1)
print("Float32 evaluation: max relative error %.3e (%.2f ulps of 2^-24) at x = %g" % (rel.max(), rel.max() / 2 ** -24, xs[rel.argmax()]))
print("value at the clamp: %r" % float(evaluate(np.array([X], dtype=np.float32))[0]))
print("P (p_0 ... p_%d):" % NP, ", ".join("%.9e" % float(v) for v in p32))
print("Q (q_0 ... q_%d):" % NQ, ", ".join("%.9e" % float(v) for v in q32))
