#!/usr/bin/env python3
"""Generate the ILLUSTRATIVE leaderboards of the MEDAL demo portal.

Writes data/leaderboards/<task-id>.json for the released (and one retired) demo tasks.
Every number is simulated: per case, a value is drawn from

    system skill  +  case difficulty  +  noise

and clipped into the metric's range. No real system was run on real data.

Rules that the portal generator checks, and that this script respects:
  * per_case is given for every case-level metric of the task; scores only carry the
    dataset-level metrics (the generator computes case-level aggregates itself);
  * per_case arrays are aligned with `cases`; null marks a missing result;
  * every system exists in data/systems.yaml; one system at most once per system_version;
  * submitted <= evaluated <= updated, all after the task's release date and before 2026-11-20.

Standard library only; fixed seeds, so the output is byte-for-byte reproducible:

    python3 scripts/gen_leaderboards.py            # from the repository root
"""

import datetime as dt
import json
import math
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "leaderboards"
LAST_DAY = dt.date(2026, 11, 19)


# ----------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------

def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def clip(x, lo, hi):
    return max(lo, min(hi, x))


def r4(x):
    return None if x is None else round(x, 4)


def auc(probs, labels):
    """Mann-Whitney AUC over the cases that have a prediction."""
    pairs = [(p, y) for p, y in zip(probs, labels) if p is not None]
    pos = [p for p, y in pairs if y == 1]
    neg = [p for p, y in pairs if y == 0]
    if not pos or not neg:
        return None
    wins = 0.0
    for a in pos:
        for b in neg:
            wins += 1.0 if a > b else 0.5 if a == b else 0.0
    return wins / (len(pos) * len(neg))


def average_precision(probs, labels):
    pairs = sorted(((p, y) for p, y in zip(probs, labels) if p is not None), key=lambda t: -t[0])
    n_pos = sum(y for _, y in pairs)
    if n_pos == 0:
        return None
    hits, total = 0, 0.0
    for k, (_, y) in enumerate(pairs, start=1):
        if y:
            hits += 1
            total += hits / k
    return total / n_pos


def ece(probs, labels, bins=10):
    pairs = [(p, y) for p, y in zip(probs, labels) if p is not None]
    err = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [(p, y) for p, y in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if sel:
            conf = sum(p for p, _ in sel) / len(sel)
            acc = sum(y for _, y in sel) / len(sel)
            err += len(sel) / len(pairs) * abs(conf - acc)
    return err


def net_benefit(probs, labels, threshold):
    pairs = [(p, y) for p, y in zip(probs, labels) if p is not None]
    n = len(pairs)
    tp = sum(1 for p, y in pairs if p >= threshold and y == 1)
    fp = sum(1 for p, y in pairs if p >= threshold and y == 0)
    return tp / n - fp / n * threshold / (1 - threshold)


def sens_at_spec(probs, labels, spec):
    pairs = [(p, y) for p, y in zip(probs, labels) if p is not None]
    neg = sorted(p for p, y in pairs if y == 0)
    pos = [p for p, y in pairs if y == 1]
    thr = neg[min(len(neg) - 1, int(math.ceil(spec * len(neg))) - 1)]
    return sum(1 for p in pos if p > thr) / len(pos)


def qwk(pred, ref, k=5):
    pairs = [(a, b) for a, b in zip(pred, ref) if a is not None]
    n = len(pairs)
    obs = [[0] * k for _ in range(k)]
    for a, b in pairs:
        obs[a][b] += 1
    ra = [sum(obs[i][j] for j in range(k)) for i in range(k)]
    rb = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * obs[i][j]
            den += w * ra[i] * rb[j] / n
    return 1.0 - num / den


# ----------------------------------------------------------------------------------------
# Entries: which systems appear on which task, how good they are, and how they were run.
# skill is on a logit-like scale (the task's hardness is subtracted from it); two systems
# per task are deliberately close, so that their ranking is genuinely uncertain.
# ----------------------------------------------------------------------------------------

HUMAN = dict(version=None, evaluation="organizer_run", regime="not_applicable",
             external=None, reference_only=True, missing=0)


def entry(system, version, skill, evaluation, regime, external, missing=0, bias=0.0,
          reference_only=False):
    return dict(system=system, version=version, skill=skill, evaluation=evaluation,
                regime=regime, external=external, missing=missing, bias=bias,
                reference_only=reference_only)


def human(system, skill):
    return dict(HUMAN, system=system, skill=skill, bias=0.0)


TASKS = {
    "cvs-lapchole-video": dict(
        hardness=0.5, released="2026-05-20", updated="2026-10-30", n=90, kind="cvs", seed=101,
        entries=[
            entry("cvs-sentinel", "1.0.0", 1.55, "organizer_run", "trained_on_task_train", True),
            entry("cvs-sentinel", "1.1.0", 1.80, "organizer_run", "trained_on_task_train", True),
            entry("kairos-vfm", "2.0.1", 1.76, "organizer_verified", "fine_tuned_on_task_train", True, missing=2),
            entry("orchid-vlm", "2026-05", 0.85, "organizer_run", "zero_shot", True, bias=0.4),
            entry("corvid-med-vlm", "1.4.0", 0.70, "organizer_verified", "few_shot", True, missing=3),
            entry("medal-cnn-baseline", "1.0.0", 1.10, "organizer_run", "trained_on_task_train", False),
            human("surgeon-reader-study", 1.65),
        ]),
    "glioma-pseudoprogression-mri": dict(
        hardness=0.6, released="2026-06-01", updated="2026-11-06", n=64, kind="binary", prevalence=0.52, seed=202,
        metrics=["log-loss"], dataset_metrics=["auc", "ece"],
        entries=[
            entry("lumennet-3d", "2.3.0", 1.35, "organizer_run", "trained_on_task_train", False),
            entry("meridian-fm", "0.9.2", 1.42, "organizer_verified", "fine_tuned_on_task_train", True),
            entry("vistara-cadx", "4.2", 1.05, "self_reported", "zero_shot", True, bias=-0.3),
            entry("orchid-vlm", "2026-05", 0.95, "organizer_run", "zero_shot", True, missing=1),
            entry("corvid-med-vlm", "1.4.0", 0.60, "organizer_verified", "zero_shot", True, missing=2),
            entry("halcyon-llm", "3.1", 0.75, "organizer_run", "zero_shot", True),
            entry("medal-cnn-baseline", "1.0.0", 0.85, "organizer_run", "trained_on_task_train", False),
            human("radiologist-reader-study", 1.10),
        ]),
    "rectal-cancer-response-mri": dict(
        hardness=0.45, released="2026-06-15", updated="2026-11-12", n=110, kind="binary", prevalence=0.29, seed=303,
        metrics=["brier"], dataset_metrics=["auc", "net-benefit"],
        entries=[
            entry("lumennet-3d", "2.3.0", 1.20, "organizer_run", "trained_on_task_train", False),
            entry("meridian-fm", "0.9.2", 1.50, "organizer_verified", "fine_tuned_on_task_train", True),
            entry("orchid-vlm", "2026-05", 1.44, "organizer_run", "zero_shot", True, missing=1),
            entry("corvid-med-vlm", "1.4.0", 0.90, "organizer_verified", "few_shot", True),
            entry("halcyon-llm", "3.1", 1.00, "organizer_run", "zero_shot", True),
            entry("medal-cnn-baseline", "1.0.0", 0.80, "organizer_run", "trained_on_task_train", False, missing=2),
            human("radiologist-reader-study", 1.15),
        ]),
    "her2-low-scoring-wsi": dict(
        hardness=0.35, released="2026-06-22", updated="2026-10-22", n=120, kind="her2", seed=404,
        entries=[
            entry("pathoscope-fm", "1.0.0", 1.90, "organizer_verified", "fine_tuned_on_task_train", True),
            entry("tessera-ihc", "0.7.0", 1.85, "organizer_run", "trained_on_task_train", False),
            entry("orchid-vlm", "2026-05", 0.75, "organizer_run", "zero_shot", True, missing=2),
            entry("corvid-med-vlm", "1.4.0", 0.65, "self_reported", "few_shot", True),
            entry("medal-cnn-baseline", "1.0.0", 1.30, "organizer_run", "trained_on_task_train", False),
            human("histopathologist-reader-study", 1.60),
        ]),
    "pe-right-heart-strain-ct": dict(
        hardness=0.35, released="2026-07-01", updated="2026-11-16", n=100, kind="pe", prevalence=0.15, seed=505,
        entries=[
            entry("lumennet-3d", "2.3.0", 1.30, "organizer_run", "trained_on_task_train", False),
            entry("meridian-fm", "0.9.2", 1.38, "organizer_verified", "fine_tuned_on_task_train", True),
            entry("vistara-cadx", "4.2", 1.15, "self_reported", "zero_shot", True, bias=0.5),
            entry("orchid-vlm", "2026-05", 0.90, "organizer_run", "zero_shot", True, missing=1),
            entry("corvid-med-vlm", "1.4.0", 0.70, "organizer_verified", "zero_shot", True),
            entry("halcyon-llm", "3.1", 0.95, "organizer_run", "zero_shot", True),
            entry("medal-cnn-baseline", "1.0.0", 1.00, "organizer_run", "trained_on_task_train", False, missing=3),
            human("radiologist-reader-study", 1.05),
        ]),
    "dr-referral-handheld-fundus": dict(
        hardness=0.25, released="2026-07-15", updated="2026-11-18", n=120, kind="referral", prevalence=0.35, seed=606,
        entries=[
            entry("okapi-retina-screen", "3.0.5", 1.40, "self_reported", "zero_shot", True),
            entry("meridian-fm", "0.9.2", 1.70, "organizer_verified", "fine_tuned_on_task_train", True),
            entry("orchid-vlm", "2026-05", 1.10, "organizer_run", "zero_shot", True, missing=2),
            entry("corvid-med-vlm", "1.4.0", 1.05, "organizer_verified", "few_shot", True),
            entry("medal-cnn-baseline", "1.0.0", 1.66, "organizer_run", "trained_on_task_train", False),
            entry("prevalence-baseline", "1.0.0", 0.0, "organizer_run", "trained_on_task_train", False,
                  reference_only=True),
            human("ophthalmologist-grader-study", 1.60),
        ]),
    "melanoma-sequential-dermoscopy": dict(
        hardness=0.35, released="2026-08-03", updated="2026-11-10", n=96, kind="binary", prevalence=0.25, seed=707,
        metrics=["brier"], dataset_metrics=["auc", "sens-at-spec80"],
        entries=[
            entry("naevustrack-seq", "1.2.0", 1.60, "organizer_run", "trained_on_task_train", True),
            entry("meridian-fm", "0.9.2", 1.55, "organizer_verified", "fine_tuned_on_task_train", True, missing=1),
            entry("orchid-vlm", "2026-05", 1.00, "organizer_run", "zero_shot", True),
            entry("corvid-med-vlm", "1.4.0", 0.85, "organizer_verified", "zero_shot", True, missing=2),
            entry("halcyon-llm", "3.1", 0.55, "organizer_run", "zero_shot", True),
            entry("medal-cnn-baseline", "1.0.0", 1.20, "organizer_run", "trained_on_task_train", False),
            human("dermatologist-reader-study", 1.30),
        ]),
    # Retired task: the leaderboard is frozen as of the retirement date.
    "pneumothorax-emergency-cxr": dict(
        hardness=0.35, released="2026-05-04", updated="2026-10-05", n=80, kind="segmentation", prevalence=0.40, seed=808,
        entries=[
            entry("vistara-cadx", "4.2", 1.50, "self_reported", "zero_shot", True),
            entry("meridian-fm", "0.9.2", 1.58, "organizer_verified", "fine_tuned_on_task_train", True),
            entry("orchid-vlm", "2026-05", 0.70, "organizer_run", "zero_shot", True, missing=2),
            entry("corvid-med-vlm", "1.4.0", 0.55, "organizer_verified", "zero_shot", True),
            entry("medal-cnn-baseline", "1.0.0", 1.35, "organizer_run", "trained_on_task_train", False, missing=1),
            human("radiologist-reader-study", 1.45),
        ]),
}


# ----------------------------------------------------------------------------------------
# Simulation per kind of task. Each returns (per_case dict, scores dict) for one entry.
# ----------------------------------------------------------------------------------------

def predict_binary(rng, e, labels, difficulty):
    """Probability of the positive class for every case (None = missing)."""
    probs = []
    for y, d in zip(labels, difficulty):
        z = (1 if y else -1) * (e["skill"] - 0.9 * d) + rng.gauss(0, 0.8) + e["bias"]
        probs.append(clip(sigmoid(z), 0.001, 0.999))
    return probs


def drop_missing(rng, e, values_list):
    """Set the same randomly chosen cases to None in every aligned list."""
    n = len(values_list[0])
    gone = set(rng.sample(range(n), e["missing"])) if e["missing"] else set()
    return [[None if i in gone else v for i, v in enumerate(vals)] for vals in values_list]


def sim_binary(rng, task, e, labels, difficulty):
    probs = predict_binary(rng, e, labels, difficulty)
    if e["system"] == "prevalence-baseline":
        probs = [task["prevalence"]] * len(labels)
    (probs,) = drop_missing(rng, e, [probs])
    per_case = {}
    for m in task["metrics"]:
        vals = []
        for p, y in zip(probs, labels):
            if p is None:
                vals.append(None)
            elif m == "brier":
                vals.append(r4((p - y) ** 2))
            elif m == "log-loss":
                q = clip(p, 0.01, 0.99)
                vals.append(r4(-math.log(q if y else 1 - q)))
        per_case[m] = vals
    scores = {}
    for m in task["dataset_metrics"]:
        if m == "auc":
            scores[m] = r4(auc(probs, labels))
        elif m == "ece":
            scores[m] = r4(ece(probs, labels))
        elif m == "net-benefit":
            scores[m] = r4(net_benefit(probs, labels, 0.3))
        elif m == "sens-at-spec80":
            scores[m] = r4(sens_at_spec(probs, labels, 0.80))
    return per_case, scores


def sim_cvs(rng, task, e, labels3, difficulty):
    # three criteria, each a binary label; C2 is the hardest criterion
    probs3 = []
    for c, hardness in enumerate((0.0, 0.5, 0.2)):
        lab = [l[c] for l in labels3]
        probs3.append(predict_binary(rng, dict(e, skill=e["skill"] - hardness), lab,
                                     difficulty))
    probs3 = drop_missing(rng, e, probs3)
    brier, correct = [], []
    for i, l in enumerate(labels3):
        if probs3[0][i] is None:
            brier.append(None)
            correct.append(None)
            continue
        ps = [probs3[c][i] for c in range(3)]
        brier.append(r4(sum((p - y) ** 2 for p, y in zip(ps, l)) / 3))
        correct.append(1 if all(p >= 0.5 for p in ps) == all(l) else 0)
    mean_ap = sum(average_precision(probs3[c], [l[c] for l in labels3]) for c in range(3)) / 3
    return {"brier": brier, "cvs-correct": correct}, {"map": r4(mean_ap)}


def sim_her2(rng, task, e, ref, difficulty):
    pred = []
    for r, d in zip(ref, difficulty):
        spread = 0.9 / max(e["skill"], 0.3) + 0.25 * abs(d)
        pred.append(int(clip(round(r + rng.gauss(0, spread) + e["bias"]), 0, 4)))
    (pred,) = drop_missing(rng, e, [pred])
    abs_err = [None if p is None else abs(p - r) for p, r in zip(pred, ref)]
    # HER2-low or ultralow (1, 2) versus null (0), among cases whose reference is 0-2
    sub = [(p, r) for p, r in zip(pred, ref) if p is not None and r <= 2]
    sens = sum(1 for p, r in sub if r >= 1 and p >= 1) / sum(1 for _, r in sub if r >= 1)
    spec = sum(1 for p, r in sub if r == 0 and p == 0) / sum(1 for _, r in sub if r == 0)
    scores = {"qwk": r4(qwk(pred, ref)), "low-vs-null-bacc": r4((sens + spec) / 2)}
    return {"abs-category-error": abs_err}, scores


def sim_pe(rng, task, e, labels, difficulty, rvlv_ref):
    probs = predict_binary(rng, e, labels, difficulty)
    est = [x + rng.gauss(0, 0.22 / max(e["skill"], 0.3)) for x in rvlv_ref]
    probs, est = drop_missing(rng, e, [probs, est])
    brier = [None if p is None else r4((p - y) ** 2) for p, y in zip(probs, labels)]
    err = [None if v is None else r4(clip(abs(v - x), 0, 2)) for v, x in zip(est, rvlv_ref)]
    return {"brier": brier, "rvlv-abs-error": err}, {"auc": r4(auc(probs, labels))}


def sim_referral(rng, task, e, labels, difficulty):
    if e["system"] == "prevalence-baseline":
        refer = [False] * len(labels)          # prevalence below 0.5: refers nobody
    else:
        probs = predict_binary(rng, e, labels, difficulty)
        refer = [p >= 0.35 for p in probs]     # programme threshold, favours referral
    (refer,) = drop_missing(rng, e, [refer])
    cost = []
    for r, y in zip(refer, labels):
        if r is None:
            cost.append(None)
        elif y and not r:
            cost.append(5)
        elif r and not y:
            cost.append(1)
        else:
            cost.append(0)
    pos = [r for r, y in zip(refer, labels) if r is not None and y]
    neg = [r for r, y in zip(refer, labels) if r is not None and not y]
    scores = {"sensitivity": r4(sum(pos) / len(pos)),
              "specificity": r4(sum(1 for r in neg if not r) / len(neg))}
    return {"weighted-error": cost}, scores


def sim_segmentation(rng, task, e, labels, difficulty):
    presence = predict_binary(rng, e, labels, difficulty)
    dsc, nsd = [], []
    for p, y, d in zip(presence, labels, difficulty):
        if not y:                                   # empty reference
            v = 1.0 if p < 0.5 else 0.0
            dsc.append(v)
            nsd.append(v)
        elif p < 0.5:                               # missed pneumothorax
            dsc.append(0.0)
            nsd.append(0.0)
        else:
            q = clip(0.45 + 0.18 * e["skill"] - 0.08 * d + rng.gauss(0, 0.08), 0, 1)
            dsc.append(r4(q))
            nsd.append(r4(clip(q + rng.gauss(0.04, 0.06), 0, 1)))
    presence, dsc, nsd = drop_missing(rng, e, [presence, dsc, nsd])
    return {"dsc": dsc, "nsd": nsd}, {"auc": r4(auc(presence, labels))}


# ----------------------------------------------------------------------------------------
# Assembling one leaderboard
# ----------------------------------------------------------------------------------------

def dates_for(rng, released, updated, k):
    """k (submitted, evaluated) pairs between release and the leaderboard update."""
    start = dt.date.fromisoformat(released) + dt.timedelta(days=7)
    end = dt.date.fromisoformat(updated) - dt.timedelta(days=6)
    span = (end - start).days
    out = []
    for _ in range(k):
        sub = start + dt.timedelta(days=rng.randint(0, span))
        ev = sub + dt.timedelta(days=rng.randint(0, 5))
        out.append((sub, ev))
    return sorted(out)


def build(task_id, task):
    rng = random.Random(task["seed"])
    n = task["n"]
    cases = [f"c{i:03d}" for i in range(1, n + 1)]
    difficulty = [rng.gauss(0, 1) for _ in range(n)]
    kind = task["kind"]
    if kind == "cvs":
        labels = [[int(rng.random() < q) for q in (0.71, 0.46, 0.64)] for _ in range(n)]
    elif kind == "her2":
        weights = [0.14, 0.16, 0.34, 0.21, 0.15]
        labels = rng.choices(range(5), weights=weights, k=n)
    else:
        labels = [int(rng.random() < task["prevalence"]) for _ in range(n)]
    rvlv_ref = [clip(rng.gauss(1.05, 0.25), 0.6, 2.2) for _ in range(n)]

    updated = dt.date.fromisoformat(task["updated"])
    assert updated <= LAST_DAY
    schedule = dates_for(rng, task["released"], task["updated"], len(task["entries"]))

    # Reader studies ran first, right after release; the systems came in over the months after.
    order = sorted(range(len(task["entries"])), key=lambda i: not task["entries"][i]["reference_only"]
                   or task["entries"][i]["system"] == "prevalence-baseline")
    when = {i: schedule[rank] for rank, i in enumerate(order)}

    entries = []
    for k, e in enumerate(task["entries"], start=1):
        sub, ev = when[k - 1]
        # the task's hardness lowers every system's effective skill
        e = dict(e, skill=e["skill"] - task.get("hardness", 0.0))
        if kind == "binary":
            per_case, scores = sim_binary(rng, task, e, labels, difficulty)
        elif kind == "cvs":
            per_case, scores = sim_cvs(rng, task, e, labels, difficulty)
        elif kind == "her2":
            per_case, scores = sim_her2(rng, task, e, labels, difficulty)
        elif kind == "pe":
            per_case, scores = sim_pe(rng, task, e, labels, difficulty, rvlv_ref)
        elif kind == "referral":
            per_case, scores = sim_referral(rng, task, e, labels, difficulty)
        elif kind == "segmentation":
            per_case, scores = sim_segmentation(rng, task, e, labels, difficulty)
        else:
            raise ValueError(kind)
        item = {"id": f"e{k:04d}", "system": e["system"]}
        if e["version"]:
            item["system_version"] = e["version"]
        if not e["reference_only"]:
            item["submitted"] = sub.isoformat()
        item["evaluated"] = ev.isoformat()
        item["evaluation"] = e["evaluation"]
        item["training_regime"] = e["regime"]
        if e["external"] is not None:
            item["external_data"] = e["external"]
        item["reference_only"] = e["reference_only"]
        if scores:
            item["scores"] = dict(sorted(scores.items()))
        item["per_case"] = dict(sorted(per_case.items()))
        entries.append(item)

    return {
        "schema_version": "0.1",
        "task": task_id,
        "task_version": "1.0.0",
        "split": "test",
        "updated": task["updated"],
        "cases": cases,
        "entries": entries,
    }


def dumps(obj, indent=0):
    """JSON with 2-space indentation; lists of scalars stay on one line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(obj, dict):
        items = [f"{inner}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in obj) + "\n" + pad + "]"
    if isinstance(obj, list):
        return "[" + ", ".join(json.dumps(v) for v in obj) + "]"
    return json.dumps(obj, ensure_ascii=False)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for task_id in sorted(TASKS):
        board = build(task_id, TASKS[task_id])
        path = OUT / f"{task_id}.json"
        path.write_text(dumps(board) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}: {len(board['cases'])} cases, "
              f"{len(board['entries'])} entries")


if __name__ == "__main__":
    main()
