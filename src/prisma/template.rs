//! The data template of the PRISMA2020 R package and Shiny app
//! (`PRISMA2020_template.csv` beside this file: the package's
//! `inst/extdata/PRISMA.csv`, MIT licence, Copyright 2020 Neal R Haddaway),
//! with our counts in its `n` column. Every column and row is the
//! template's, in its order, so the app draws the official diagram from
//! the file.
//!
//! How the package reads it (`PRISMA_data`, `PRISMA_parse_reasons_`): it
//! finds each row by its `data` value, strips everything but digits from
//! a count, and splits the two "excluded" rows at `;`, taking a reason's
//! name up to its first comma. So reason labels lose their `,` and `;`
//! (written as ` /`), counts are plain digits, and a box of a stage not
//! started is `NA`, which the package shows as "n = NA".

use super::Prisma;

const TEMPLATE: &str = include_str!("PRISMA2020_template.csv");

/// "Reason, n; Reason, n" for the template's reason rows.
pub fn reasons_cell(reasons: &[super::Named]) -> String {
    if reasons.is_empty() {
        return "0".to_string();
    }
    reasons
        .iter()
        .map(|r| {
            let name: String = r
                .name
                .replace([',', ';'], " /")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!("{name}, {}", r.n)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The `n` of the template's row `data`, or `None` to keep the template's.
fn value(p: &Prisma, data: &str) -> Option<String> {
    let n = |x: usize| Some(x.to_string());
    let opt = |x: Option<usize>| Some(x.map_or_else(|| "NA".to_string(), |x| x.to_string()));
    match data {
        "previous_studies" | "previous_reports" => n(0),
        "database_results" => n(p.identified_databases),
        "register_results" => n(p.identified_registers),
        "website_results" | "organisation_results" | "citations_results" => n(0),
        "duplicates" => n(p.duplicates),
        "excluded_automatic" => n(p.automation),
        "excluded_other" => n(p.other),
        "records_screened" => n(p.screened),
        "records_excluded" => n(p.excluded),
        "dbr_sought_reports" => n(p.sought),
        "dbr_notretrieved_reports" => opt(p.not_retrieved),
        "other_sought_reports" | "other_notretrieved_reports" | "other_assessed" => n(0),
        "dbr_assessed" => opt(p.assessed),
        "dbr_excluded" => Some(if p.full_text_started {
            reasons_cell(&p.reasons)
        } else {
            "NA".to_string()
        }),
        "other_excluded" => n(0),
        "new_studies" | "new_reports" | "total_studies" | "total_reports" => opt(p.included),
        _ => None,
    }
}

/// The filled template as CSV text (RFC 4180, quoted where needed, LF
/// line ends as the template has).
pub fn render(p: &Prisma) -> String {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(TEMPLATE.as_bytes());
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let mut n_col = usize::MAX;
    for (i, row) in reader.records().enumerate() {
        // The template is part of the binary and a test reads it whole.
        let Ok(row) = row else { continue };
        let mut cells: Vec<String> = row.iter().map(str::to_string).collect();
        if i == 0 {
            n_col = cells.iter().position(|c| c == "n").unwrap_or(usize::MAX);
        } else if let (Some(v), Some(cell)) = (
            cells.first().and_then(|d| value(p, d)),
            cells.get_mut(n_col),
        ) {
            *cell = v;
        }
        let _ = w.write_record(&cells);
    }
    w.into_inner()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_default()
}

/// The template's rows as shipped, for tests.
pub fn template() -> &'static str {
    TEMPLATE
}
