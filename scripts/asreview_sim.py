#!/usr/bin/env python3
"""ASReview LAB's default model on given prior pairs, timed: the other half
of docs/RANKING.md's table. Not part of the build or the tests; run it in a
virtualenv outside the repository:

    python3 -m venv /tmp/venv-asr
    /tmp/venv-asr/bin/pip install asreview-insights==1.6.1
    /tmp/venv-asr/bin/pip install asreview==3.0.8   # after insights, which pins asreview<3
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
import types

import numpy as np
from asreview import load_dataset
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.models.queriers import TopDown
from asreview.models.stoppers import IsFittable, LastRelevant
from asreview.simulation.simulate import Simulate

try:
    from asreviewcontrib.insights.metrics import _recall, _wss
except ImportError:
    # insights 1.x reads project files through asreview 2's `open_state`
    # (its utils module), which asreview 3 no longer has; the metric
    # functions used here take a list of labels and need none of it.
    sys.modules["asreviewcontrib.insights.utils"] = types.ModuleType("utils")
    sys.modules["asreviewcontrib.insights.utils"].get_simulation_labels = None
    from asreviewcontrib.insights.metrics import _recall, _wss


class EnoughRecall:
    """Stops once `recall` of the relevant records is found and at least a
    tenth of the records is screened: WSS up to that recall and RRF@10 are
    then exact (the relevant records not found are counted last, as
    `screener simulate`'s tuning runs do); WSS@100 is not."""

    def __init__(self, recall, relevant, records):
        self.enough = min(relevant, int(np.ceil(recall * relevant)))
        self.tenth = int(np.ceil(0.1 * records))

    def stop(self, results, labels):
        return (
            int(results["label"].sum()) >= self.enough and len(results) >= self.tenth
        ) or len(results) >= len(labels)


def run(path, pair, seed, stop_recall):
    np.random.seed(seed)
    t0 = time.perf_counter()
    db = load_dataset(path, dataset_id="data")
    with db:
        df, included = db.input.get_df(), db.input["included"]
    t_load = time.perf_counter() - t0
    cycle = ActiveLearningCycle.from_meta(get_ai_config("elas_u4")["value"])
    steps = []
    # CPU time beside wall time: on a shared machine the wall time mostly
    # measures the scheduler.
    steps_cpu = []
    t_features = [0.0, 0.0]

    transform, fit, rank = cycle.transform, cycle.fit, cycle.rank
    pending = [None]

    def timed_transform(X):
        t, c = time.perf_counter(), time.process_time()
        out = transform(X)
        t_features[0] = time.perf_counter() - t
        t_features[1] = time.process_time() - c
        return out

    def timed_fit(X, y):
        pending[0] = (time.perf_counter(), time.process_time())
        return fit(X, y)

    def timed_rank(X):
        out = rank(X)
        steps.append(time.perf_counter() - pending[0][0])
        steps_cpu.append(time.process_time() - pending[0][1])
        return out

    cycle.transform, cycle.fit, cycle.rank = timed_transform, timed_fit, timed_rank
    sim = Simulate(
        df,
        included,
        [ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()), cycle],
        stopper=LastRelevant()
        if stop_recall >= 1.0
        else EnoughRecall(stop_recall, int(sum(included)), len(included)),
        print_progress=False,
    )
    sim.label(list(pair))
    sim.review()
    labels = list(sim._results["label"])[len(pair):]
    n = len(included) - len(pair)
    labels = [int(v) for v in labels]
    screened = len(labels) - labels[::-1].index(1) if 1 in labels else 0
    known = np.asarray(included)
    missing = int(known.sum()) - int(known[list(pair)].sum()) - sum(labels)
    labels = labels + [0] * (n - len(labels) - missing) + [1] * missing
    return {
        "prior_rows": list(pair),
        "records": len(included),
        "screened": screened,
        "wss95": float(_wss(labels, 0.95)),
        "wss100": float(_wss(labels, 1.0)),
        "rrf10": float(_recall(labels, 0.10)),
        "load_s": t_load,
        "features_s": t_features[0],
        "features_cpu_s": t_features[1],
        "first_step_s": steps[0] if steps else 0.0,
        "first_step_cpu_s": steps_cpu[0] if steps_cpu else 0.0,
        "step_ms": [s * 1e3 for s in steps],
        "step_cpu_ms": [s * 1e3 for s in steps_cpu],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--pairs", nargs="*", default=[])
    ap.add_argument("--pairs-from")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--stop-recall",
        type=float,
        default=1.0,
        help="stop each run at this recall (WSS@100 is then meaningless)",
    )
    a = ap.parse_args()
    pairs = [tuple(int(v) for v in p.split(",")) for p in a.pairs]
    if a.pairs_from:
        with open(a.pairs_from) as f:
            pairs += [tuple(r["prior_rows"]) for r in json.load(f)["runs"]]
    runs = [run(a.dataset, p, a.seed, a.stop_recall) for p in pairs]
    steps = [s for r in runs for s in r["step_ms"]]
    steps_cpu = [s for r in runs for s in r["step_cpu_ms"]]
    out = {
        "dataset": a.dataset,
        "records": runs[0]["records"] if runs else 0,
        "wss95": float(np.mean([r["wss95"] for r in runs])),
        "wss100": float(np.mean([r["wss100"] for r in runs])),
        "rrf10": float(np.mean([r["rrf10"] for r in runs])),
        "retrain_ms_mean": float(np.mean(steps)) if steps else 0.0,
        "retrain_ms_median": float(np.median(steps)) if steps else 0.0,
        "retrain_ms_max": float(np.max(steps)) if steps else 0.0,
        "retrain_cpu_ms_median": float(np.median(steps_cpu)) if steps_cpu else 0.0,
        "first_ranking_s": float(np.mean([r["features_s"] + r["first_step_s"] for r in runs])),
        "first_ranking_median_s": float(
            np.median([r["features_s"] + r["first_step_s"] for r in runs])
        ),
        "first_ranking_cpu_median_s": float(
            np.median([r["features_cpu_s"] + r["first_step_cpu_s"] for r in runs])
        ),
        "runs": [{k: v for k, v in r.items() if k not in ("step_ms", "step_cpu_ms")} for r in runs],
    }
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
