#!/usr/bin/env python3
"""ASReview LAB's default model on given prior pairs, timed: the other half
of docs/RANKING.md's table. Not part of the build or the tests; run it in a
virtualenv outside the repository:

    python3 -m venv /tmp/venv-asr && /tmp/venv-asr/bin/pip install asreview asreview-insights
    /tmp/venv-asr/bin/python scripts/asreview_sim.py DATA.csv --pairs 3,17 5,40 ... > out.json

The loop is `asreview simulate DATA.csv --prior-idx I J` (asreview 3.x,
simulation/cli.py: the `elas_u4` model, a top-down cycle until the model
can be fitted, the last-relevant stopper), with timers around feature
extraction and each training + ranking step. The metrics are
asreview-insights' own functions on the labels after the priors, padded
with zeros, exactly as `asreview metrics` computes them.

`--pairs-from FILE` reads the pairs from `screener simulate --json`'s
`runs[].prior_rows` instead.
"""

import argparse
import json
import sys
import time

import numpy as np
from asreview import load_dataset
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.models.queriers import TopDown
from asreview.models.stoppers import IsFittable, LastRelevant
from asreview.simulation.simulate import Simulate
from asreviewcontrib.insights.metrics import _recall, _wss


def run(path, pair, seed):
    np.random.seed(seed)
    t0 = time.perf_counter()
    store = load_dataset(path, dataset_id="data")
    t_load = time.perf_counter() - t0
    cycle = ActiveLearningCycle.from_meta(get_ai_config("elas_u4")["value"])
    steps = []
    t_features = [0.0]

    transform, fit, rank = cycle.transform, cycle.fit, cycle.rank
    pending = [None]

    def timed_transform(X):
        t = time.perf_counter()
        out = transform(X)
        t_features[0] = time.perf_counter() - t
        return out

    def timed_fit(X, y):
        pending[0] = time.perf_counter()
        return fit(X, y)

    def timed_rank(X):
        out = rank(X)
        steps.append(time.perf_counter() - pending[0])
        return out

    cycle.transform, cycle.fit, cycle.rank = timed_transform, timed_fit, timed_rank
    sim = Simulate(
        store.get_df(),
        store["included"],
        [ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()), cycle],
        stopper=LastRelevant(),
        print_progress=False,
    )
    sim.label(list(pair))
    sim.review()
    labels = list(sim._results["label"])[len(pair):]
    n = len(store["included"]) - len(pair)
    labels = [int(v) for v in labels] + [0] * (n - len(labels))
    return {
        "prior_rows": list(pair),
        "wss95": float(_wss(labels, 0.95)),
        "wss100": float(_wss(labels, 1.0)),
        "rrf10": float(_recall(labels, 0.10)),
        "load_s": t_load,
        "features_s": t_features[0],
        "first_step_s": steps[0] if steps else 0.0,
        "step_ms": [s * 1e3 for s in steps],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--pairs", nargs="*", default=[])
    ap.add_argument("--pairs-from")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    pairs = [tuple(int(v) for v in p.split(",")) for p in a.pairs]
    if a.pairs_from:
        with open(a.pairs_from) as f:
            pairs += [tuple(r["prior_rows"]) for r in json.load(f)["runs"]]
    runs = [run(a.dataset, p, a.seed) for p in pairs]
    steps = [s for r in runs for s in r["step_ms"]]
    out = {
        "dataset": a.dataset,
        "records": len(load_dataset(a.dataset, dataset_id="data")["included"]),
        "wss95": float(np.mean([r["wss95"] for r in runs])),
        "wss100": float(np.mean([r["wss100"] for r in runs])),
        "rrf10": float(np.mean([r["rrf10"] for r in runs])),
        "retrain_ms_mean": float(np.mean(steps)) if steps else 0.0,
        "retrain_ms_median": float(np.median(steps)) if steps else 0.0,
        "retrain_ms_max": float(np.max(steps)) if steps else 0.0,
        "first_ranking_s": float(np.mean([r["features_s"] + r["first_step_s"] for r in runs])),
        "runs": [{k: v for k, v in r.items() if k != "step_ms"} for r in runs],
    }
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
