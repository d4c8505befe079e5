//! `screener simulate LABELED.csv`: replays known labels through the
//! relevance ranking (`rank::simulate`) and reports WSS@95, WSS@100,
//! RRF@10, the recall curve and the retrain times (docs/RANKING.md; JSON
//! keys in docs/json.md).

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::cli::SimulateArgs;
use crate::human::fmt_n;
use crate::rank::metrics;
use crate::rank::simulate::{self, Options, Report};

/// Points of the recall curve in the text and JSON output.
const CURVE: [f64; 10] = [0.01, 0.02, 0.05, 0.10, 0.20, 0.30, 0.40, 0.50, 0.75, 1.0];

#[derive(Serialize)]
struct Json {
    records: usize,
    relevant: usize,
    label_column: String,
    seed: u64,
    wss95: f64,
    wss100: f64,
    rrf10: f64,
    retrain_ms_mean: f64,
    retrain_ms_max: f64,
    features_ms: f64,
    first_ranking_ms: f64,
    recall_curve: Vec<CurvePoint>,
    runs: Vec<RunJson>,
}

#[derive(Serialize)]
struct CurvePoint {
    screened: f64,
    recall: f64,
}

#[derive(Serialize)]
struct RunJson {
    prior_rows: [usize; 2],
    wss95: f64,
    wss100: f64,
    rrf10: f64,
    /// Records screened (after the priors) until the last relevant one.
    screened: usize,
    /// Their 0-based rows, in the order screened: the metrics can be
    /// recomputed from these and the labels.
    screened_rows: Vec<usize>,
    retrain_ms_mean: f64,
    retrain_ms_max: f64,
}

pub fn run(args: &SimulateArgs) -> Result<()> {
    let name = args.labeled.display().to_string();
    let bytes =
        crate::import::read_file(&args.labeled).with_context(|| format!("{name}: cannot read"))?;
    let set = simulate::read_labeled(&bytes, &name).map_err(anyhow::Error::msg)?;
    if set.reported > 0 {
        eprintln!(
            "warning: {name}: {} rows could not be read and are left out (row numbers below \
             count the rows read):",
            set.reported
        );
        for w in set.warnings.iter().take(5) {
            eprintln!("  line {}: {} ({})", w.line, w.message, w.action);
        }
    }
    let n = set.labels.len();
    let pairs = if args.prior_rows.is_empty() {
        simulate::prior_pairs(&set.labels, args.seed, args.runs as usize)
    } else {
        for &(i, j) in &args.prior_rows {
            if i >= n || j >= n {
                bail!(
                    "--prior-rows {i},{j}: {name} has rows 0 to {} (0-based)",
                    n - 1
                );
            }
            if !set.labels[i] || set.labels[j] {
                bail!(
                    "--prior-rows {i},{j}: the first row must be relevant and the second not \
                     (row {i} is {}, row {j} is {})",
                    relevance(set.labels[i]),
                    relevance(set.labels[j])
                );
            }
        }
        args.prior_rows.clone()
    };
    let report = simulate::simulate(
        &set.records,
        &set.labels,
        &pairs,
        &Options::default(),
        args.seed,
    );
    if let Some(path) = &args.plot {
        std::fs::write(path, svg(&report, &name))
            .with_context(|| format!("{}: cannot write the plot", path.display()))?;
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&json(&report, &set.column, args.seed))?
        );
    } else {
        print!(
            "{}",
            text(
                &report,
                &name,
                &set.column,
                args.seed,
                !args.prior_rows.is_empty()
            )
        );
    }
    Ok(())
}

fn relevance(l: bool) -> &'static str {
    if l { "relevant" } else { "not relevant" }
}

/// The mean recall over the runs after screening `fraction` of the records.
fn mean_recall(report: &Report, fraction: f64) -> f64 {
    report
        .runs
        .iter()
        .map(|r| metrics::rrf(&r.order, fraction))
        .sum::<f64>()
        / report.runs.len().max(1) as f64
}

fn screened(r: &simulate::Run) -> usize {
    r.order.iter().rposition(|&l| l).map_or(0, |p| p + 1)
}

fn json(report: &Report, column: &str, seed: u64) -> Json {
    Json {
        records: report.records,
        relevant: report.relevant,
        label_column: column.to_string(),
        seed,
        wss95: report.wss95(),
        wss100: report.wss100(),
        rrf10: report.rrf10(),
        retrain_ms_mean: report.retrain_ms_mean(),
        retrain_ms_max: report.retrain_ms_max(),
        features_ms: report.features_ms,
        first_ranking_ms: report.first_ranking_ms(),
        recall_curve: CURVE
            .iter()
            .map(|&f| CurvePoint {
                screened: f,
                recall: mean_recall(report, f),
            })
            .collect(),
        runs: report
            .runs
            .iter()
            .map(|r| RunJson {
                prior_rows: [r.prior.0, r.prior.1],
                wss95: r.wss95,
                wss100: r.wss100,
                rrf10: r.rrf10,
                screened: screened(r),
                screened_rows: r.rows.clone(),
                retrain_ms_mean: r.retrain_ms.iter().sum::<f64>()
                    / r.retrain_ms.len().max(1) as f64,
                retrain_ms_max: r.retrain_ms.iter().copied().fold(0.0, f64::max),
            })
            .collect(),
    }
}

fn text(report: &Report, name: &str, column: &str, seed: u64, given: bool) -> String {
    let mut s = String::new();
    let runs = report.runs.len();
    let _ = writeln!(
        s,
        "{name}: {} records, {} relevant (`{column}`)",
        fmt_n(report.records),
        fmt_n(report.relevant)
    );
    let _ = writeln!(
        s,
        "{} from {}, each until the last relevant record is found",
        if runs == 1 {
            "1 run".to_string()
        } else {
            format!("{runs} runs")
        },
        if given {
            "the given prior rows".to_string()
        } else {
            format!("one include and one exclude drawn with seed {seed}")
        }
    );
    let range = |f: fn(&simulate::Run) -> f64| {
        let (lo, hi) = report
            .runs
            .iter()
            .map(f)
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
        if runs > 1 {
            format!(" ({lo:.3}-{hi:.3})")
        } else {
            String::new()
        }
    };
    let _ = writeln!(
        s,
        "WSS@95 {:.3}{}  WSS@100 {:.3}{}  RRF@10 {:.3}{}",
        report.wss95(),
        range(|r| r.wss95),
        report.wss100(),
        range(|r| r.wss100),
        report.rrf10(),
        range(|r| r.rrf10)
    );
    let _ = writeln!(
        s,
        "retrain step: mean {:.1} ms, max {:.1} ms · first ranking {:.0} ms (features {:.0} ms)",
        report.retrain_ms_mean(),
        report.retrain_ms_max(),
        report.first_ranking_ms(),
        report.features_ms
    );
    let curve: Vec<String> = CURVE
        .iter()
        .map(|&f| format!("{:.0}% {:.2}", f * 100.0, mean_recall(report, f)))
        .collect();
    let _ = writeln!(s, "recall after screening: {}", curve.join(" · "));
    if runs > 1 {
        for r in &report.runs {
            let _ = writeln!(
                s,
                "  prior rows {},{}: WSS@95 {:.3} WSS@100 {:.3} RRF@10 {:.3} · {} screened",
                r.prior.0,
                r.prior.1,
                r.wss95,
                r.wss100,
                r.rrf10,
                fmt_n(screened(r))
            );
        }
    }
    s
}

/// Recall against the share of records screened: each run thin, their
/// mean thick, random order dashed.
fn svg(report: &Report, name: &str) -> String {
    let (w, h, left, top, right, bottom) = (640.0, 420.0, 60.0, 40.0, 20.0, 50.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let px = |x: f64| left + x * pw;
    let py = |y: f64| top + (1.0 - y) * ph;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="22" font-size="14">{} — WSS@95 {:.3}, RRF@10 {:.3} ({} runs)</text>"#,
        escape(name),
        report.wss95(),
        report.rrf10(),
        report.runs.len()
    );
    for i in 0..=4 {
        let v = i as f64 / 4.0;
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end">{v:.2}</text><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="middle">{:.0}%</text>"##,
            px(0.0),
            py(v),
            px(1.0),
            py(v),
            px(0.0) - 6.0,
            py(v) + 4.0,
            px(v),
            py(0.0),
            px(v),
            py(1.0),
            px(v),
            py(0.0) + 16.0,
            v * 100.0
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">records screened</text><text x="16" y="{}" transform="rotate(-90 16 {})" text-anchor="middle">recall</text>"#,
        px(0.5),
        h - 12.0,
        py(0.5),
        py(0.5)
    );
    let _ = writeln!(
        s,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-dasharray="5,4"/>"##,
        px(0.0),
        py(0.0),
        px(1.0),
        py(1.0)
    );
    let points = 400usize;
    let curve = |order: &[bool]| -> Vec<(f64, f64)> {
        let n = order.len().max(1);
        let pos = order.iter().filter(|&&l| l).count().max(1);
        let mut found = 0;
        let mut out = vec![(0.0, 0.0)];
        let every = n.div_ceil(points).max(1);
        for (i, &l) in order.iter().enumerate() {
            found += l as usize;
            if (i + 1) % every == 0 || i + 1 == n {
                out.push(((i + 1) as f64 / n as f64, found as f64 / pos as f64));
            }
        }
        out
    };
    let path = |pts: &[(f64, f64)]| {
        pts.iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for r in &report.runs {
        let _ = writeln!(
            s,
            r##"<polyline points="{}" fill="none" stroke="#7fa7d9" stroke-width="1"/>"##,
            path(&curve(&r.order))
        );
    }
    let mean: Vec<(f64, f64)> = (0..=points)
        .map(|i| {
            let f = i as f64 / points as f64;
            (f, mean_recall(report, f))
        })
        .collect();
    let _ = writeln!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#1f4e9c" stroke-width="2.5"/>"##,
        path(&mean)
    );
    s.push_str("</svg>\n");
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
