//! Duplicate review (mode `duplicates`): the primary and the record
//! linked to it side by side, fields that differ marked, so a reviewer can
//! confirm the link or split the pair. A view of its own: it walks the
//! pairs no one has reviewed, not the rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::help::HelpBox;
use crate::dedup::same_authors;
use crate::human::fmt_n;
use crate::project::{Change, DuplicateReview, Project};
use crate::record::Record;
use crate::tui::action::Action;
use crate::tui::app::View;
use crate::tui::component::{Component, Layer};
use crate::tui::ctx::{Ctx, step_index};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::file_name;
use crate::tui::wrap::wrap;

/// Duplicate pairs left to review and where the reviewer is.
#[derive(Debug, Clone, Default)]
pub struct DupReview {
    /// `(primary, duplicate)` record indices.
    pairs: Vec<(usize, usize)>,
    index: usize,
    scroll: u16,
    /// Where esc goes back to.
    return_view: View,
}

impl Component for DupReview {
    fn mode(&self) -> Mode {
        Mode::Duplicates
    }

    fn enter(&mut self, from: View, cx: &mut Ctx) -> bool {
        let pairs = cx.screening.duplicate_pairs();
        if pairs.is_empty() {
            cx.flash = Some(format!(
                "No duplicate links left to review ({} reviewed)",
                fmt_n(cx.screening.project().duplicate_reviews.len())
            ));
            return false;
        }
        let here = cx.screening.current_index();
        self.index = pairs
            .iter()
            .position(|&(p, d)| Some(p) == here || Some(d) == here)
            .unwrap_or(0);
        self.return_view = from;
        self.pairs = pairs;
        self.scroll = 0;
        true
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        let len = self.pairs.len();
        match action {
            Action::Next | Action::Previous => {
                let d = if action == Action::Next { 1 } else { -1 };
                self.index = step_index(self.index, d, len);
                self.scroll = 0;
            }
            Action::ScrollDown => self.scroll = self.scroll.saturating_add(1),
            Action::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll = self.scroll.saturating_add(10),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::Close => cx.show(self.return_view),
            Action::Help => cx.open(Layer::Help(HelpBox::default())),
            Action::ConfirmDuplicate | Action::SplitDuplicate => {
                self.review(action == Action::SplitDuplicate, cx);
            }
            _ => {}
        }
    }

    fn wheel(&mut self, down: bool, _cx: &mut Ctx) {
        self.scroll = if down {
            self.scroll.saturating_add(3)
        } else {
            self.scroll.saturating_sub(3)
        };
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::ConfirmDuplicate,
            Action::SplitDuplicate,
            Action::Next,
            Action::Close,
        ]
    }

    fn status(&self, _cx: &Ctx) -> Option<String> {
        Some(format!(
            "duplicate review · pair {} of {}",
            fmt_n(self.index + 1),
            fmt_n(self.pairs.len())
        ))
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        render(self, frame, cx, &cx.theme, area);
    }
}

impl DupReview {
    /// Confirms or splits the pair shown; a split record is screened on its
    /// own from now on.
    fn review(&mut self, split: bool, cx: &mut Ctx) {
        let Some(&(p, d)) = self.pairs.get(self.index) else {
            return;
        };
        let records = &cx.screening.project().records;
        let review = DuplicateReview {
            record: records[d].key.clone(),
            of: records[p].key.clone(),
            split,
            reviewer: cx.screening.reviewer().to_string(),
            at: cx.now(),
        };
        cx.persist(Change::ReviewDuplicate(review));
        self.pairs.remove(self.index);
        if split {
            cx.screening.split_done(p);
            cx.flash =
                Some("Split: the record is its own primary now, undecided, in the queue".into());
        } else {
            cx.flash = Some("Confirmed as a duplicate".into());
        }
        self.index = self.index.min(self.pairs.len().saturating_sub(1));
        self.scroll = 0;
        if self.pairs.is_empty() {
            cx.show(self.return_view);
            cx.flash = Some("Every duplicate pair is reviewed".into());
        }
    }
}

/// The fields compared, as (label, value).
fn fields(project: &Project, r: &Record) -> Vec<(&'static str, String)> {
    let source = project
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

/// Why the pair was linked: the rule and score the import recorded, else
/// (a link from before they were recorded) what the fields show.
fn why(a: &Record, b: &Record) -> String {
    if let Some(m) = &b.duplicate_match {
        return m.describe();
    }
    let doi = |r: &Record| crate::text::normalize_doi(&r.doi);
    if doi(a).is_some() && doi(a) == doi(b) {
        "same DOI".into()
    } else if !a.pmid.trim().is_empty() && a.pmid.trim() == b.pmid.trim() {
        "same PMID".into()
    } else {
        "similar title, year and authors".into()
    }
}

/// Whether a field differs between the two records, compared as the
/// duplicate detection compares it: names as people (`Repper, Julie` is
/// `Julie Repper`), the rest as folded text.
fn differs(label: &str, a: &Record, b: &Record, va: &str, vb: &str) -> bool {
    if label == "Authors" {
        !same_authors(&a.authors, &b.authors)
    } else {
        crate::text::fold(va) != crate::text::fold(vb)
    }
}

fn render(dup: &DupReview, frame: &mut Frame, cx: &Ctx, t: &Theme, body: Rect) {
    let Some(&(p, d)) = dup.pairs.get(dup.index) else {
        frame.render_widget(
            Paragraph::new(Line::styled(" No duplicate pairs to review.", t.dim)),
            body,
        );
        return;
    };
    let project = cx.screening.project();
    // Whole: the abstracts are compared too.
    let (primary, linked) = (project.records.shown(p), project.records.shown(d));
    let (primary, linked) = (&*primary, &*linked);
    let a = fields(project, primary);
    let b = fields(project, linked);
    let head = Line::from(vec![
        Span::styled(" Linked because: ", t.dim),
        Span::styled(why(primary, linked), t.bold),
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
        let differs = differs(label, primary, linked, va, vb);
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
        let lines: Vec<Line> = lines.into_iter().skip(usize::from(dup.scroll)).collect();
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
