//! The resolve view (mode `resolve`, `screener resolve`): one conflict at a
//! time. The record's title and citation, then every reviewer's decision,
//! reasons, note and tags side by side, numbered (that number key takes
//! the side), the consensus so far, and the abstract. The session's
//! reviewer is the consensus (`consensus`, or `--as NAME`): it decides,
//! annotates, undoes and moves through the same steps as screening
//! (`browse`), so its decisions are journaled and resumed like any other.
//! This is the one place where reviewers' decisions are shown together;
//! the screening views stay blind.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::browse::{self, Browse};
use super::record::{
    head_lines, push_wrapped, shown, tags_and_note, text_lines, verdict_style, verdict_text,
};
use crate::human::fmt_n;
use crate::project::Decision;
use crate::screening::resolve::Panel;
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::{self, body_rect, saved_mark};
use crate::tui::wrap::wrap;

/// Below this width per reviewer the sides are stacked instead of put in
/// columns.
const MIN_COLUMN: usize = 24;
/// Columns between two sides.
const GAP: usize = 3;

#[derive(Debug, Default)]
pub struct ResolveView {
    panel: Panel,
}

impl ResolveView {
    pub fn new(panel: Panel) -> ResolveView {
        ResolveView { panel }
    }

    pub fn panel(&self) -> &Panel {
        &self.panel
    }

    /// Keeps the scroll within the lines of the conflict on screen.
    pub fn clamp(&self, cx: &mut Ctx) {
        let body = body_rect(Rect::new(0, 0, cx.width, cx.height));
        let total = self.lines(cx, body.width, &cx.theme).len();
        let max = total.saturating_sub(usize::from(body.height));
        let line = cx
            .screening
            .cursor()
            .line()
            .min(u16::try_from(max).unwrap_or(u16::MAX));
        cx.screening.set_line(line);
    }

    fn scroll(&self, cx: &mut Ctx, delta: i32) {
        let next = (i32::from(cx.screening.cursor().line()) + delta).max(0);
        cx.screening
            .set_line(u16::try_from(next).unwrap_or(u16::MAX));
        self.clamp(cx);
    }

    /// The decisions of every reviewer on the record under the cursor.
    fn sides(&self, cx: &Ctx) -> Option<&[Option<Decision>]> {
        let r = cx.screening.current()?;
        self.panel.sides(&r.key)
    }

    /// Takes reviewer `n`'s (1-based) verdict as the consensus.
    fn take(&self, n: u8, cx: &mut Ctx) {
        let at = usize::from(n).wrapping_sub(1);
        let Some(name) = self.panel.reviewers().get(at) else {
            cx.flash = Some(format!(
                "There is no reviewer {n}: {} reviewers' decisions are shown",
                self.panel.reviewers().len()
            ));
            return;
        };
        let Some(d) = self
            .sides(cx)
            .and_then(|s| s.get(at))
            .and_then(Option::as_ref)
        else {
            cx.flash = Some(format!(
                "{name} has not decided this record: take another side or decide yourself"
            ));
            return;
        };
        let verdict = d.verdict.clone();
        let said = verdict_text(&verdict, cx.screening.project());
        cx.decide_current(verdict, true, Mode::Resolve);
        if cx.flash.is_none() {
            cx.flash = Some(format!("Took {name}'s decision: {said}"));
        }
    }

    /// After a key: says so once the last conflict is resolved.
    fn done_check(&self, resolved_before: usize, cx: &mut Ctx) {
        let s = &cx.screening;
        let resolved = s.counts().decided();
        if resolved > resolved_before && resolved == s.queue().len() {
            let quit = cx.key_hint(Mode::Resolve, Action::Quit);
            cx.flash = Some(format!(
                "All {} conflicts are resolved; {quit} saves and quits",
                fmt_n(resolved)
            ));
        }
    }

    fn lines(&self, cx: &Ctx, width: u16, t: &Theme) -> Vec<Line<'static>> {
        let s = &cx.screening;
        let Some(index) = s.current_index() else {
            return vec![Line::styled(" No conflicts to resolve.", t.dim)];
        };
        let project = s.project();
        let w = usize::from(width.saturating_sub(2)).max(1);
        let mut out: Vec<Line<'static>> = Vec::new();
        let shown = shown(cx, index);
        head_lines(cx, &shown, w, t, &mut out);
        out.push(Line::default());
        let sides = self.panel.sides(&project.records[index].key);
        let n = self.panel.reviewers().len();
        let side_by_side = n > 0 && n * MIN_COLUMN + (n - 1) * GAP <= w;
        let col = if side_by_side {
            (w - (n - 1) * GAP) / n
        } else {
            w
        };
        let columns: Vec<Vec<Line<'static>>> = self
            .panel
            .reviewers()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let d = sides.and_then(|s| s.get(i)).and_then(Option::as_ref);
                side_lines(cx, i, name, d, col, t)
            })
            .collect();
        if side_by_side {
            let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
            for row in 0..rows {
                let mut spans = vec![Span::raw(" ")];
                for (c, lines) in columns.iter().enumerate() {
                    let line = lines.get(row).cloned().unwrap_or_default();
                    let used = line.width();
                    spans.extend(line.spans);
                    if c + 1 < n {
                        spans.push(Span::raw(" ".repeat(col.saturating_sub(used) + GAP)));
                    }
                }
                out.push(Line::from(spans));
            }
        } else {
            for (c, lines) in columns.into_iter().enumerate() {
                if c > 0 {
                    out.push(Line::default());
                }
                for mut line in lines {
                    line.spans.insert(0, Span::raw(" "));
                    out.push(line);
                }
            }
        }
        out.push(Line::default());
        let state = s.state(index);
        match &state.verdict {
            Some(v) => push_wrapped(
                &[
                    (&format!("{}: ", s.reviewer()), t.bold),
                    (&verdict_text(v, project), verdict_style(v, t)),
                ],
                w,
                &mut out,
            ),
            None => push_wrapped(
                &[
                    (&format!("{}: ", s.reviewer()), t.bold),
                    ("not resolved yet", t.dim),
                ],
                w,
                &mut out,
            ),
        }
        tags_and_note(state, w, t, &mut out);
        out.push(Line::default());
        text_lines(cx, &shown, w, t, &mut out);
        out
    }
}

/// One reviewer's side, wrapped to `width`: the key that takes it and the
/// name, the verdict with reasons, the note and the tags.
fn side_lines(
    cx: &Ctx,
    i: usize,
    name: &str,
    d: Option<&Decision>,
    width: usize,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let key = u8::try_from(i + 1)
        .ok()
        .and_then(|n| cx.keymap.key_for(Mode::Resolve, Action::TakeSide(n)))
        .map(|k| format!("[{k}] "))
        .unwrap_or_default();
    out.extend(wrap(&[(&key, t.key), (name, t.bold)], width));
    match d {
        None => out.extend(wrap(&[("not decided", t.dim)], width)),
        Some(d) => {
            let text = verdict_text(&d.verdict, cx.screening.project());
            out.extend(wrap(&[(&text, verdict_style(&d.verdict, t))], width));
            if !d.note.is_empty() {
                out.extend(wrap(
                    &[("Note: ", t.dim), (&d.note, Style::default())],
                    width,
                ));
            }
            if !d.tags.is_empty() {
                out.extend(wrap(
                    &[("Tags: ", t.dim), (&d.tags.join(", "), t.key)],
                    width,
                ));
            }
        }
    }
    out
}

/// What the footer says when the screen opens: the agreements just carried
/// over, or how far an earlier session got.
pub fn opening_message(cx: &Ctx, carried: usize) -> Option<String> {
    let s = &cx.screening;
    let (resolved, of) = (s.counts().decided(), s.queue().len());
    let conflicts = crate::human::count(of, "conflict", "conflicts");
    if carried > 0 {
        Some(format!(
            "Carried {} over as {} decisions · {} of {conflicts} resolved",
            crate::human::count(carried, "agreement", "agreements"),
            s.reviewer(),
            fmt_n(resolved)
        ))
    } else if resolved == of {
        Some(format!(
            "All {conflicts} are resolved; you can still revise any of them"
        ))
    } else if resolved > 0 {
        Some(format!(
            "{} of {conflicts} resolved already: here is the first unresolved",
            fmt_n(resolved)
        ))
    } else {
        None
    }
}

impl Component for ResolveView {
    fn mode(&self) -> Mode {
        Mode::Resolve
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        if !browse::allowed(action, Browse::Resolve, cx) {
            return;
        }
        let resolved = cx.screening.counts().decided();
        let page = i32::from(view::body_area_height(cx.height).saturating_sub(1).max(1));
        match action {
            Action::ScrollDown => self.scroll(cx, 1),
            Action::ScrollUp => self.scroll(cx, -1),
            Action::PageDown => self.scroll(cx, page),
            Action::PageUp => self.scroll(cx, -page),
            Action::TakeSide(n) => self.take(n, cx),
            _ => browse::act(action, Browse::Resolve, cx),
        }
        self.done_check(resolved, cx);
    }

    fn answer(&mut self, answer: Answer, cx: &mut Ctx) {
        let resolved = cx.screening.counts().decided();
        browse::answer(answer, Browse::Resolve, cx);
        self.done_check(resolved, cx);
    }

    fn wheel(&mut self, down: bool, cx: &mut Ctx) {
        self.scroll(cx, if down { 3 } else { -3 });
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Include,
            Action::Exclude,
            Action::Maybe,
            Action::Note,
            Action::Next,
            Action::Undo,
            Action::Help,
            Action::Quit,
        ]
    }

    fn status(&self, cx: &Ctx) -> Option<String> {
        let s = &cx.screening;
        Some(format!(
            "Resolving {} · {} of {} resolved",
            self.panel.reviewers().join(" × "),
            fmt_n(s.counts().decided()),
            crate::human::count(s.queue().len(), "conflict", "conflicts")
        ))
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let lines: Vec<Line> = self
            .lines(cx, area.width, &cx.theme)
            .into_iter()
            .skip(usize::from(cx.screening.cursor().line()))
            .take(usize::from(area.height))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }

    /// The save mark, a key per side with the reviewer's name, then the
    /// usual hints as far as they fit.
    fn draw_footer(&self, frame: &mut Frame, area: Rect, cx: &Ctx) -> bool {
        let t = &cx.theme;
        let mut spans = vec![saved_mark(cx, t), Span::raw(" ")];
        let mut used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        let width = usize::from(area.width);
        let sides = self
            .panel
            .reviewers()
            .iter()
            .enumerate()
            .filter_map(|(i, name)| {
                let n = u8::try_from(i + 1).ok()?;
                let k = cx.keymap.key_for(Mode::Resolve, Action::TakeSide(n))?;
                Some((k, format!(" {name}  ")))
            });
        let rest = self.hints().iter().filter_map(|&a| {
            let k = cx.keymap.key_for(Mode::Resolve, a)?;
            Some((k, format!(" {}  ", a.short())))
        });
        for (k, word) in sides.chain(rest) {
            let w = unicode_width::UnicodeWidthStr::width(k.as_str())
                + unicode_width::UnicodeWidthStr::width(word.as_str());
            if used + w > width {
                break;
            }
            used += w;
            spans.push(Span::styled(k, t.key));
            spans.push(Span::raw(word));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        true
    }
}
