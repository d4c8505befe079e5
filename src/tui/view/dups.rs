//! Duplicate review: the primary and the record linked to it side by side,
//! fields that differ marked, so a reviewer can confirm the link or split
//! the pair.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::record::Record;
use crate::tui::app::App;
use crate::tui::forms::file_name;
use crate::tui::theme::Theme;
use crate::tui::wrap::wrap;

/// The fields compared, as (label, value).
fn fields(app: &App, r: &Record) -> Vec<(&'static str, String)> {
    let source = app
        .project
        .sources
        .get(r.origin.source as usize)
        .map(|s| {
            let name = if s.database.is_empty() {
                file_name(&s.path)
            } else {
                format!("{} ({})", s.database, file_name(&s.path))
            };
            format!("{name}, record {}, batch {}", r.origin.position, s.batch)
        })
        .unwrap_or_default();
    vec![
        ("Title", r.display_title()),
        ("Authors", r.authors.join("; ")),
        ("Year", r.year.map(|y| y.to_string()).unwrap_or_default()),
        ("Journal", r.citation()),
        ("DOI", r.doi.clone()),
        ("PMID", r.pmid.clone()),
        ("Type", r.kind.clone()),
        ("Source", source),
        ("Key", r.key.clone()),
        ("Abstract", r.abstract_text.clone()),
    ]
}

/// Why the pair was linked, as far as the fields tell.
fn why(a: &Record, b: &Record) -> &'static str {
    let doi = |r: &Record| crate::text::normalize_doi(&r.doi);
    if doi(a).is_some() && doi(a) == doi(b) {
        "same DOI"
    } else if !a.pmid.trim().is_empty() && a.pmid.trim() == b.pmid.trim() {
        "same PMID"
    } else {
        "similar title, year and authors"
    }
}

pub fn render(frame: &mut Frame, app: &App, t: &Theme, body: Rect) {
    let Some(&(p, d)) = app.dup.pairs.get(app.dup.index) else {
        frame.render_widget(
            Paragraph::new(Line::styled(" No duplicate pairs to review.", t.dim)),
            body,
        );
        return;
    };
    let (primary, dup) = (&app.project.records[p], &app.project.records[d]);
    let a = fields(app, primary);
    let b = fields(app, dup);
    let head = Line::from(vec![
        Span::styled(" Linked because: ", t.dim),
        Span::styled(why(primary, dup), t.bold),
        Span::styled("  · ≠ marks fields that differ", t.dim),
    ]);
    frame.render_widget(Paragraph::new(head), Rect { height: 1, ..body });
    let cols = Rect {
        y: body.y + 1,
        height: body.height.saturating_sub(1),
        ..body
    };
    let half = cols.width / 2;
    let left = Rect {
        width: half,
        ..cols
    };
    let right = Rect {
        x: cols.x + half,
        width: cols.width - half,
        ..cols
    };
    let blocks: Vec<(Rect, Block)> = [(left, " Primary "), (right, " Linked as its duplicate ")]
        .into_iter()
        .map(|(area, title)| {
            (
                area,
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(t.dim)
                    .title(Span::styled(title, t.bold)),
            )
        })
        .collect();
    // Each field takes as many lines on both sides, so the two columns stay
    // level and a field sits beside its counterpart.
    let widths: Vec<usize> = blocks
        .iter()
        .map(|(area, b)| usize::from(b.inner(*area).width.saturating_sub(1)).max(1))
        .collect();
    let mut columns: [Vec<Line>; 2] = [Vec::new(), Vec::new()];
    for ((label, va), (_, vb)) in a.iter().zip(b.iter()) {
        let differs = crate::text::fold(va) != crate::text::fold(vb);
        let style = if differs { t.maybe } else { Style::default() };
        let label = format!("{label}{}: ", if differs { " ≠" } else { "" });
        let wrapped: Vec<Vec<Line>> = [va, vb]
            .iter()
            .zip(&widths)
            .map(|(value, &w)| {
                let value = if value.is_empty() {
                    "—"
                } else {
                    value.as_str()
                };
                wrap(&[(&label, t.dim), (value, style)], w)
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(0);
        for (col, lines) in columns.iter_mut().zip(wrapped) {
            let n = lines.len();
            for mut l in lines {
                l.spans.insert(0, Span::raw(" "));
                col.push(l);
            }
            col.extend(std::iter::repeat_n(Line::default(), height - n));
        }
    }
    for ((area, block), lines) in blocks.into_iter().zip(columns) {
        let lines: Vec<Line> = lines
            .into_iter()
            .skip(usize::from(app.dup.scroll))
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
