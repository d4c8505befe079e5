//! The harness `docs/RANKING.md`'s choices were made with: replays
//! labelled sets under one configuration of the ranking and prints
//! WSS@95, WSS@100, RRF@10 and the retrain time per set, and their means.
//!
//! ```sh
//! cargo run --release --example rank_tune -- --runs 10 --c 0.11 --ratio 9.8 A.csv B.csv
//! ```
//!
//! Options: `--runs K` `--seed N` `--c X` `--ratio X` `--budget N`
//! `--no-bigrams` `--no-keywords` `--journal` `--chars N` `--min-df N`
//! `--max-df X` `--no-sublinear` `--query max|random:K|uncertain:K`
//! `--stop R` (stop each run at this recall; WSS@100 is then meaningless)
//! `--threads N` `--emit-pairs DIR` (write each set's prior pairs as
//! `DIR/SET.pairs.json` for `scripts/asreview_sim.py`, and run nothing).

use std::sync::Mutex;

use screener::rank::query::Query;
use screener::rank::simulate::{self, Options};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut opts = Options::default();
    let (mut runs, mut seed, mut threads) = (10usize, 1u64, 2usize);
    let mut files = Vec::new();
    let mut emit: Option<String> = None;
    while let Some(a) = args.next() {
        let mut val = || args.next().expect("a value after the option");
        match a.as_str() {
            "--runs" => runs = val().parse().expect("runs"),
            "--seed" => seed = val().parse().expect("seed"),
            "--emit-pairs" => emit = Some(val()),
            "--threads" => threads = val().parse().expect("threads"),
            "--c" => opts.model.c = val().parse().expect("c"),
            "--ratio" => opts.model.ratio = val().parse().expect("ratio"),
            "--budget" => opts.model.budget = val().parse().expect("budget"),
            "--stop" => opts.stop_recall = val().parse().expect("stop"),
            "--tol" => opts.model.tol = val().parse().expect("tol"),
            "--no-bigrams" => opts.features.bigrams = false,
            "--no-keywords" => opts.features.keywords = false,
            "--journal" => opts.features.journal = true,
            "--chars" => opts.features.char_ngrams = val().parse().expect("chars"),
            "--min-df" => opts.features.min_df = val().parse().expect("min-df"),
            "--max-df" => opts.features.max_df = val().parse().expect("max-df"),
            "--no-sublinear" => opts.features.sublinear_tf = false,
            "--query" => {
                let v = val();
                opts.query = match v.split_once(':') {
                    None if v == "max" => Query::Max,
                    Some(("random", k)) => Query::Random {
                        every: k.parse().expect("k"),
                    },
                    Some(("uncertain", k)) => Query::Uncertain {
                        every: k.parse().expect("k"),
                    },
                    _ => panic!("--query max|random:K|uncertain:K"),
                }
            }
            _ => files.push(a),
        }
    }
    let results = Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let bytes = std::fs::read(f).expect("read");
                    let set = simulate::read_labeled(&bytes, f).expect("labelled set");
                    let pairs = simulate::prior_pairs(&set.labels, seed, runs);
                    if let Some(dir) = &emit {
                        let stem = std::path::Path::new(f)
                            .file_stem()
                            .unwrap()
                            .to_string_lossy();
                        let runs: Vec<String> = pairs
                            .iter()
                            .map(|(i, j)| format!("{{\"prior_rows\": [{i}, {j}]}}"))
                            .collect();
                        let json = format!("{{\"runs\": [{}]}}\n", runs.join(", "));
                        std::fs::write(format!("{dir}/{stem}.pairs.json"), json).expect("write");
                        continue;
                    }
                    let r = simulate::simulate(&set.records, &set.labels, &pairs, &opts, seed);
                    results.lock().unwrap().push((i, f.clone(), r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    println!("{opts:?} runs={runs} seed={seed}");
    println!(
        "{:<28} {:>6} {:>4} {:>7} {:>7} {:>6} {:>8} {:>8} {:>8}",
        "set", "n", "rel", "wss95", "wss100", "rrf10", "step ms", "first ms", "upd/step"
    );
    let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
    for (_, f, r) in &results {
        let name = std::path::Path::new(f)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let steps: usize = r.runs.iter().map(|x| x.retrain_ms.len()).sum();
        let updates: usize = r.runs.iter().map(|x| x.updates).sum();
        println!(
            "{:<28} {:>6} {:>4} {:>7.3} {:>7.3} {:>6.3} {:>8.2} {:>8.1} {:>8.0}",
            name,
            r.records,
            r.relevant,
            r.wss95(),
            r.wss100(),
            r.rrf10(),
            r.retrain_ms_mean(),
            r.first_ranking_ms(),
            updates as f64 / steps.max(1) as f64
        );
        a += r.wss95();
        b += r.wss100();
        c += r.rrf10();
    }
    let n = results.len().max(1) as f64;
    println!(
        "{:<28} {:>6} {:>4} {:>7.3} {:>7.3} {:>6.3}",
        "MEAN",
        "",
        "",
        a / n,
        b / n,
        c / n
    );
}
