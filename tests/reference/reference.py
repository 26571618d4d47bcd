#!/usr/bin/env python3
"""Independent reference values for MEDAL's ranking engine (src/compute/ranking.rs and
src/compute/uncertainty.rs), computed with scipy rather than with our own code.

For every fixture in fixtures/*.json (a matrix: one row of per-case values per system, and the
metric's direction) this writes to expected.json:

- p_values[a][b]: one-sided paired Wilcoxon signed-rank p that system a is better than b,
  scipy.stats.wilcoxon(d, zero_method="wilcox", correction=True, method="asymptotic",
  alternative="greater") with d = x_a - x_b (x_b - x_a for lower-is-better metrics); this is
  R's wilcox.test(exact = FALSE, correct = TRUE). null on the diagonal.
- adjusted_p[a][b]: the k(k-1) p-values (row by row, diagonal skipped) Holm-adjusted together
  (written out below, as R's p.adjust(method = "holm")).
- mean: each system's mean over cases (plain left-to-right sum, as the engine sums).
- rank_min / rank_average: scipy.stats.rankdata of the means, best = 1, method "min"/"average".
- median_rank_min: the same for medians (numpy.median), method "min".
- kendall_tau: scipy.stats.kendalltau (tau-b) between rank_min and median_rank_min.

Regenerate: pip install scipy && python3 tests/reference/reference.py
"""
import glob
import json
import os

import numpy as np
import scipy
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))


def holm(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: (p[i], i))
    out = [0.0] * m
    running = 0.0
    for i, o in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[o]))
        out[o] = running
    return out


def wilcoxon_greater(x, y):
    d = np.asarray(x, dtype=float) - np.asarray(y, dtype=float)
    if np.all(d == 0):
        return 1.0  # no non-zero difference: nothing to test (the engine's convention)
    res = stats.wilcoxon(d, zero_method="wilcox", correction=True,
                         method="asymptotic", alternative="greater")
    return float(res.pvalue)


def analyse(fx):
    values = fx["values"]
    k = len(values)
    lower = fx["direction"] == "lower_is_better"
    p = [[None] * k for _ in range(k)]
    flat = []
    for a in range(k):
        for b in range(k):
            if a == b:
                continue
            x, y = (values[b], values[a]) if lower else (values[a], values[b])
            v = wilcoxon_greater(x, y)
            p[a][b] = v
            flat.append(v)
    adj_flat = iter(holm(flat))
    adj = [[None if a == b else next(adj_flat) for b in range(k)] for a in range(k)]
    means = [sum(row) / len(row) for row in values]
    medians = [float(np.median(row)) for row in values]
    sign = 1.0 if lower else -1.0
    rank_min = stats.rankdata([sign * m for m in means], method="min")
    rank_avg = stats.rankdata([sign * m for m in means], method="average")
    med_min = stats.rankdata([sign * m for m in medians], method="min")
    tau = stats.kendalltau(rank_min, med_min).statistic
    return {
        "p_values": p,
        "adjusted_p": adj,
        "mean": means,
        "rank_min": [float(r) for r in rank_min],
        "rank_average": [float(r) for r in rank_avg],
        "median_rank_min": [float(r) for r in med_min],
        "kendall_tau": None if np.isnan(tau) else float(tau),
    }


def main():
    out = {"generator": f"tests/reference/reference.py with scipy {scipy.__version__}",
           "fixtures": {}}
    for path in sorted(glob.glob(os.path.join(HERE, "fixtures", "*.json"))):
        with open(path) as f:
            fx = json.load(f)
        out["fixtures"][fx["name"]] = analyse(fx)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
