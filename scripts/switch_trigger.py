"""A learned switch trigger for `spinode predict --after B --switch-trigger FILE.json` (issue 18).

The trigger decides, once per drive period, whether the first model's regime ends in this period (e.g. a
skyrmion is annihilated). At the evaluation samples j = phase + m * stride (1 <= j < N) its features are
samples of the first model's free-run prediction ("output") and of the drive ("input") at max(0, j - lag);
z_f = (x_f - center_f) / scale_f and

    score(j) = bias + sum_f w_f z_f + sum_p v_p z_{a_p} z_{b_p}        (products p = (a_p, b_p))

The switch is the first evaluation sample with score(j) >= threshold. The file format and these semantics
are docs/surrogate-model.md, "A learned trigger"; Sources/Surrogate/Prediction/SwitchTrigger.swift
evaluates it, this module fits it.

Fit (`fit`): logistic regression of "the annihilation falls in this evaluation's period" on the features,
over the evaluation samples of training realisations up to and including the one at or before the true
annihilation (a living realisation: all of them); positives weighted by negatives / positives, an L2
penalty l2 * rows on the weights (not the bias), Newton's method. The threshold (`choose_threshold`):
among the positives' scores (and one above every score: never), the ones whose first firings land in the
right period in the most training realisations; the median of those, moved down to midway to the next
lower score of any evaluation (the same firings, with a margin on either side). The switch delay
(`choose_delay`): the median, over the training realisations it times, of the samples from the firing to
the annihilation, so that the hand-over lands where in its period the event happens.
"""
import json
import numpy as np

FORMAT = "spinode-switch-trigger"


def design_spec(stride=50, phase=5, output="mz", output_lags=range(0, 50, 5), input="deltaKu1", input_lags=(0, 50)):
    """The feature layout: the output at each of output_lags, the input at each of input_lags; products of
    every output feature with the input at lag input_lags[0], and that input squared."""
    features = [dict(source="output", name=output, lag_samples=int(l)) for l in output_lags]
    m = len(features)
    features += [dict(source="input", name=input, lag_samples=int(l)) for l in input_lags]
    products = [[i, m] for i in range(m)] + [[m, m]]
    return dict(format=FORMAT, version=1, stride_samples=int(stride), phase_samples=int(phase),
                features=features, products=products)


def evaluation_samples(spec, n):
    j = np.arange(spec["phase_samples"], n, spec["stride_samples"])
    return j[j >= 1]


def raw_features(spec, outputs, inputs, n):
    """outputs / inputs: {channel name: series of n samples}. Returns (evaluation samples, rows x features)."""
    js = evaluation_samples(spec, n)
    cols = []
    for f in spec["features"]:
        series = (outputs if f["source"] == "output" else inputs)[f["name"]]
        cols.append(np.asarray(series)[np.maximum(0, js - f["lag_samples"])])
    return js, np.array(cols, dtype=float).T


def _expanded(spec, x, center, scale):
    z = (x - center) / scale
    p = np.array([z[:, a] * z[:, b] for a, b in spec["products"]]).T
    return np.hstack([z, p])


def scores(trigger, x):
    f = _expanded(trigger, x, np.array(trigger["center"]), np.array(trigger["scale"]))
    return f @ np.r_[trigger["weights"], trigger["product_weights"]] + trigger["bias"]


def labelled(js, x, event_sample):
    """The rows a realisation trains on and their labels: up to the evaluation at or before the event."""
    if event_sample is None:
        return x, np.zeros(len(js))
    before = np.nonzero(js <= event_sample)[0]
    k = int(before[-1]) if len(before) else 0
    y = np.zeros(k + 1)
    y[k] = 1
    return x[:k + 1], y


def fit(spec, rows, l2=1e-4, description=""):
    """rows: [(features, labels)] per training realisation (`labelled`). Returns the trigger without a threshold."""
    x = np.vstack([r[0] for r in rows])
    y = np.concatenate([r[1] for r in rows])
    if y.sum() == 0:
        raise ValueError("no training realisation has an annihilation: nothing to learn a trigger from")
    center = x.mean(0)
    scale = x.std(0)
    scale[scale == 0] = 1.0
    f = np.hstack([_expanded(spec, x, center, scale), np.ones((len(x), 1))])
    w = np.zeros(f.shape[1])
    weight = np.where(y == 1, (len(y) - y.sum()) / y.sum(), 1.0)
    penalty = l2 * len(y) * np.r_[np.ones(len(w) - 1), 0.0]
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(f @ w, -50, 50)))
        g = f.T @ (weight * (p - y)) + penalty * w
        h = (f * (weight * p * (1 - p))[:, None]).T @ f + np.diag(penalty)
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    nf = len(spec["features"])
    return dict(spec, description=description, center=center.tolist(), scale=scale.tolist(),
                weights=w[:nf].tolist(), product_weights=w[nf:-1].tolist(), bias=float(w[-1]))


def first_firing(trigger, js, x, threshold):
    """The first evaluation sample whose score reaches threshold, or None."""
    hit = np.nonzero(scores(trigger, x) >= threshold)[0]
    return None if len(hit) == 0 else int(js[hit[0]])


def within(fired, event_sample, tolerance):
    if fired is None or event_sample is None:
        return fired is None and event_sample is None
    return abs(fired - event_sample) <= tolerance


def choose_threshold(trigger, realisations, tolerance):
    """realisations: [(evaluation samples, features, event sample or None)]. Of the candidate thresholds (the
    positives' scores, and one above every score) that time the most of them within tolerance samples, the
    median (the lower one of an even count), c; returned is the midpoint between c and the largest score of
    any evaluation below it, which times the same realisations (no score lies between) and keeps every score
    away from the threshold, so that SpinODE's sums (in another order) fire at the same samples.
    Returns (threshold, hits)."""
    positives = []
    for js, x, ev in realisations:
        if ev is not None:
            k = len(labelled(js, x, ev)[1]) - 1
            positives.append(float(scores(trigger, x)[k]))
    everything = max(float(scores(trigger, x).max()) for js, x, ev in realisations if len(js))
    candidates = sorted(set(positives)) + [everything + 1.0]
    best, tied = -1, []
    for t in candidates:
        hits = sum(within(first_firing(trigger, js, x, t), ev, tolerance) for js, x, ev in realisations)
        if hits > best:
            best, tied = hits, [t]
        elif hits == best:
            tied.append(t)
    c = sorted(tied)[(len(tied) - 1) // 2]
    # Scores within 1e-9 (relative) of c count as c: the same evaluation summed in another order.
    below = [float(v) for js, x, ev in realisations if len(js) for v in scores(trigger, x) if v < c - 1e-9 * (1 + abs(c))]
    return (0.5 * (c + max(below)) if below else c - 1.0), best


def choose_delay(trigger, realisations, threshold, tolerance):
    """The median (rounded down to a sample, >= 0) of event - firing over the realisations timed within tolerance."""
    gaps = []
    for js, x, ev in realisations:
        fired = first_firing(trigger, js, x, threshold)
        if ev is not None and within(fired, ev, tolerance):
            gaps.append(ev - fired)
    return max(0, int(np.floor(np.median(gaps)))) if gaps else 0


def switch_sample(trigger, js, x, n):
    """Where `spinode predict --switch-trigger` hands over in a trace of n samples: the firing plus the delay."""
    fired = first_firing(trigger, js, x, trigger["threshold"])
    if fired is None:
        return None
    at = fired + trigger.get("switch_delay_samples", 0)
    return at if at < n else None


def write(trigger, path):
    with open(path, "w") as f:
        json.dump(trigger, f, indent=1)
        f.write("\n")
