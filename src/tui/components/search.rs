//! Search (mode `search`): the query typed in the footer, the cursor on
//! the first record at or after where it began that matches, while typing;
//! `n`/`N` from the views jump to the next or previous match. Scans run in
//! slices (`screening::search::Scan`) continued by `Event::Tick`, so a query
//! that matches nothing at 100k records does not freeze the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::human::{count, fmt_n};
use crate::keys::Key;
use crate::screening::search::{Finder, Progress, Scan, Tally};
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::Ctx;
use crate::tui::input::LineEditor;
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{editor_lines, key_line};

/// Rows a search checks per step: at 100k records of ~1.4 kB each about
/// 10 MB of text, a few milliseconds, so a search that finds nothing for
/// long still draws a frame (with its progress) between slices.
const SCAN_CHUNK: usize = 6_000;
/// The same when the abstracts are read from disk (`Records::abstract_of`):
/// about 1 µs a record (a read of its abstract's bytes) against 0.2 µs in
/// the index, so a step checks fewer rows to stay at a few milliseconds.
const SCAN_CHUNK_FROM_DISK: usize = 3_000;

fn scan_chunk(cx: &Ctx) -> usize {
    if cx.screening.project().records.abstracts_on_disk() {
        SCAN_CHUNK_FROM_DISK
    } else {
        SCAN_CHUNK
    }
}
/// Records added to the search index per idle tick, at most…
const INDEX_CHUNK: usize = 1_000;
/// … in steps of this many…
const INDEX_STEP: usize = 100;
/// … while the tick has taken less than this.
const INDEX_SLICE: std::time::Duration = std::time::Duration::from_millis(3);

#[derive(Debug, Clone)]
pub struct SearchBox {
    editor: LineEditor,
    /// The cursor when the search began (esc goes back there).
    origin: usize,
    /// The query of the last scan and where it matched, counted in rows
    /// from `origin` (wrapping): a longer query can only match there or
    /// later, so typing does not rescan what it already passed.
    scanned: Option<(String, Option<usize>)>,
    /// The search before this one and its matches (esc brings them
    /// back).
    previous: Option<Finder>,
    previous_tally: Option<Tally>,
}

impl SearchBox {
    pub fn new(origin: usize, previous: Option<Finder>, tally: Option<Tally>) -> SearchBox {
        SearchBox {
            editor: LineEditor::new(""),
            origin,
            scanned: None,
            previous,
            previous_tally: tally,
        }
    }

    /// While typing: the first match at or after where the search began.
    fn incremental(&mut self, cx: &mut Ctx) {
        let query = self.editor.text().to_string();
        let origin = self.origin;
        cx.scan = None;
        let Some(finder) = Finder::new(&query) else {
            cx.search = None;
            cx.tally = None;
            cx.screening.go_to(origin);
            return;
        };
        cx.tally = Some(Tally::new(finder.clone()));
        // A longer query matches only where the shorter one did.
        let from = match &self.scanned {
            Some((q, found)) if query.to_lowercase().starts_with(&q.to_lowercase()) => *found,
            _ => Some(0),
        };
        cx.search = Some(finder.clone());
        let n = cx.screening.rows().len();
        let scan = Scan {
            finder,
            origin,
            next: from.unwrap_or(0),
            end: if from.is_some() { n } else { 0 },
            rows: n,
            forward: true,
            typing: Some(query),
        };
        if from.is_none() {
            scan_done(cx, scan, None, Some(self));
        } else {
            cx.scan = Some(scan);
            run_scan(cx, scan_chunk(cx), Some(self));
        }
    }
}

impl Component for SearchBox {
    fn mode(&self) -> Mode {
        Mode::Search
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        match action {
            Action::Confirm => {
                // A scan still under way finishes first: enter means "here".
                if cx.scan.as_ref().is_some_and(|s| s.typing.is_some()) {
                    run_scan(cx, usize::MAX, Some(self));
                }
                // An empty search clears the highlighting of the last.
                cx.search = Finder::new(self.editor.text());
                if cx.search.is_none() {
                    cx.tally = None;
                }
                if cx.search.is_none() && self.previous.is_some() {
                    cx.flash = Some("Search cleared".into());
                }
                cx.close();
            }
            Action::Cancel => {
                cx.scan = None;
                cx.search = self.previous.take();
                cx.tally = self.previous_tally.take();
                cx.screening.go_to(self.origin);
                cx.close();
            }
            Action::NextMatch | Action::PreviousMatch => {
                cx.search = Finder::new(self.editor.text());
                if cx.tally.as_ref().map(Tally::query) != cx.search.as_ref().map(Finder::query) {
                    cx.tally = cx.search.clone().map(Tally::new);
                }
                jump_match(cx, action == Action::NextMatch);
            }
            _ => {}
        }
    }

    fn key(&mut self, key: Key, cx: &mut Ctx) {
        // Only a key that changed the query searches again.
        if self.editor.key(key) {
            self.incremental(cx);
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Confirm, Action::NextMatch, Action::Cancel]
    }

    /// The search is the footer line; nothing is drawn over the view.
    fn draw(&self, _frame: &mut Frame, _area: Rect, _cx: &Ctx) {}

    fn draw_footer(&self, frame: &mut Frame, area: Rect, cx: &Ctx) -> bool {
        render_search_line(frame, cx, self, &cx.theme, area);
        true
    }
}

/// `n` / `N`: the next or previous record (wrapping) that matches.
pub fn jump_match(cx: &mut Ctx, forward: bool) {
    let Some(finder) = cx.search.clone() else {
        let search = cx.key_hint(Mode::Screening, Action::Search);
        cx.flash = Some(format!("No search yet: {search} starts one"));
        return;
    };
    let n = cx.screening.rows().len();
    if n == 0 {
        return;
    }
    cx.scan = Some(Scan {
        finder,
        origin: cx.screening.cursor().row(),
        next: 1,
        end: n + 1,
        rows: n,
        forward,
        typing: None,
    });
    run_scan(cx, scan_chunk(cx), None);
}

/// Whether work is left for `Event::Tick`s (the search index being built,
/// a search under way).
pub fn busy(cx: &Ctx) -> bool {
    cx.scan.is_some() || counting(cx) || !cx.screening.indexed()
}

/// Whether the matches of the active search are still being counted.
fn counting(cx: &Ctx) -> bool {
    cx.tally
        .as_ref()
        .is_some_and(|t| !t.done(cx.screening.rows()))
}

/// "match 3 of 57" for the row, once the matches are counted; "57
/// matches" when the row is not one of them.
pub fn match_of(cx: &Ctx, row: usize) -> Option<String> {
    let t = cx.tally.as_ref()?;
    if counting(cx) {
        return None;
    }
    Some(match t.ordinal(row) {
        Some(k) => format!("match {} of {}", fmt_n(k), fmt_n(t.count())),
        None => count(t.count(), "match", "matches"),
    })
}

/// Background work in slices small enough for a frame each: the search
/// under way (`top` is the search box if it is the top layer), else the
/// search index.
pub fn tick(cx: &mut Ctx, top: Option<&mut SearchBox>) {
    if cx.scan.is_some() {
        run_scan(cx, scan_chunk(cx), top);
    } else if counting(cx) {
        cx.screening.ensure_index();
        let budget = scan_chunk(cx);
        let s = &cx.screening;
        if let Some(t) = cx.tally.as_mut() {
            t.run(s.search_index(), s.rows(), budget);
        }
    } else {
        // At most INDEX_CHUNK records, and fewer when they are long: a key
        // that arrives meanwhile waits for the slice to end.
        let until = std::time::Instant::now() + INDEX_SLICE;
        for _ in 0..INDEX_CHUNK / INDEX_STEP {
            let done = cx.screening.index_more(INDEX_STEP);
            if done || std::time::Instant::now() >= until {
                break;
            }
        }
    }
}

/// How far a search under way has got, for the footer: `(done, of)`.
pub fn scan_progress(cx: &Ctx) -> Option<(usize, usize)> {
    cx.scan.as_ref().map(|s| (s.next, s.end))
}

/// Checks up to `budget` more rows of the scan under way.
fn run_scan(cx: &mut Ctx, budget: usize, sb: Option<&mut SearchBox>) {
    cx.screening.ensure_index();
    let Some(mut scan) = cx.scan.take() else {
        return;
    };
    let s = &cx.screening;
    match scan.run(s.search_index(), s.rows(), budget) {
        Progress::Found(d) => scan_done(cx, scan, Some(d), sb),
        Progress::Missed => scan_done(cx, scan, None, sb),
        Progress::Going => cx.scan = Some(scan),
        Progress::Stale => {}
    }
}

fn scan_done(cx: &mut Ctx, scan: Scan, found: Option<usize>, sb: Option<&mut SearchBox>) {
    let n = cx.screening.rows().len().max(1);
    if let Some(query) = &scan.typing {
        if let Some(sb) = sb {
            sb.scanned = Some((query.clone(), found));
        }
        match found {
            Some(d) => cx.screening.go_to(scan.row(d, n)),
            None => {
                cx.screening.go_to(scan.origin);
                cx.flash = Some(format!("No record shown matches \"{query}\""));
            }
        }
        return;
    }
    match found {
        Some(d) => {
            let row = scan.row(d, n);
            let wrapped = if scan.forward {
                row <= scan.origin
            } else {
                row >= scan.origin
            };
            cx.screening.go_to(row);
            let place = match_of(cx, row);
            let query = scan.finder.query();
            cx.flash = match (wrapped && n > 1, place) {
                (true, Some(p)) => Some(format!("\"{query}\": {p}, search wrapped around")),
                (true, None) => Some(format!("\"{query}\": search wrapped around")),
                (false, Some(p)) => Some(format!("\"{query}\": {p}")),
                (false, None) => None,
            };
        }
        None => {
            cx.flash = Some(format!(
                "No record shown matches \"{}\"",
                scan.finder.query()
            ));
        }
    }
}

fn render_search_line(frame: &mut Frame, cx: &Ctx, sb: &SearchBox, t: &Theme, area: Rect) {
    let prompt = Span::styled(" / ", t.key);
    let status = match &sb.scanned {
        _ if sb.editor.text().trim().is_empty() => "type to search title, abstract, authors".into(),
        _ if scan_progress(cx).is_some() => {
            let (done, of) = scan_progress(cx).unwrap_or((0, 1));
            format!("searching… {}%", done * 100 / of.max(1))
        }
        Some((_, Some(_))) => {
            let row = cx.screening.cursor().row();
            match_of(cx, row)
                .unwrap_or_else(|| format!("row {} · counting matches…", fmt_n(row + 1)))
        }
        Some((_, None)) => "no match".to_string(),
        None => String::new(),
    };
    let hint = key_line(
        cx,
        Mode::Search,
        &[(Action::Confirm, "keep"), (Action::Cancel, "back")],
        t,
    );
    let hint_w: usize = hint.spans.iter().map(|s| s.content.width()).sum();
    let room = usize::from(area.width).saturating_sub(3 + status.width() + 3 + hint_w);
    let mut spans = vec![prompt];
    let shown = tail_of(&sb.editor, room.max(4));
    if let Some(first) = editor_lines(&shown, usize::MAX / 2, t).into_iter().next() {
        spans.extend(first.spans);
    }
    spans.push(Span::styled(format!("  {status} "), t.dim));
    spans.extend(hint.spans);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The end of a long query, so what is being typed stays visible.
fn tail_of(editor: &LineEditor, room: usize) -> LineEditor {
    let text = editor.text();
    if text.width() < room {
        return editor.clone();
    }
    let mut start = 0;
    for (i, _) in text.char_indices() {
        if text[i..].width() < room.saturating_sub(1) {
            start = i;
            break;
        }
    }
    let cursor = editor.cursor().saturating_sub(start);
    LineEditor::with_cursor(&format!("…{}", &text[start..]), cursor + '…'.len_utf8())
}
