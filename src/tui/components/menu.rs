//! Menus (mode `menu`): the filter menu and its submenus (reasons, tags,
//! batches, languages). A pick answers the view that opened the menu.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::text::{Purpose, TextInput};
use crate::human::fmt_n;
use crate::project::Stage;
use crate::screening::filter::Filter;
use crate::tui::action::Action;
use crate::tui::component::{Component, Layer};
use crate::tui::ctx::{Answer, Ctx, moved, step_index};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::truncate;
use crate::tui::view::widgets::{boxed, centered, key_line, pad_to};

#[derive(Debug, Clone)]
pub struct Menu {
    title: String,
    items: Vec<(String, MenuPick)>,
    selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuPick {
    Filter(Filter),
    Reasons,
    Tags,
    Batches,
    Languages,
    YearBefore,
    YearFrom,
}

impl Menu {
    pub fn new(title: &str, items: Vec<(String, MenuPick)>) -> Menu {
        Menu {
            title: title.to_string(),
            items,
            selected: 0,
        }
    }
}

impl Component for Menu {
    fn mode(&self) -> Mode {
        Mode::Menu
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        let len = self.items.len();
        if let Some(to) = moved(self.selected, action, len) {
            self.selected = to;
            return;
        }
        match action {
            Action::Cancel | Action::Quit => cx.close(),
            Action::Pick(n) if usize::from(n) <= len => {
                self.selected = usize::from(n) - 1;
                self.act(Action::Confirm, cx);
            }
            Action::Confirm => {
                if let Some((_, pick)) = self.items.get(self.selected) {
                    cx.answer(Answer::Pick(pick.clone()));
                }
            }
            _ => {}
        }
    }

    fn wheel(&mut self, down: bool, _cx: &mut Ctx) {
        let d = if down { 1 } else { -1 };
        self.selected = step_index(self.selected, d, self.items.len());
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Confirm, Action::Cancel]
    }

    fn draw(&self, frame: &mut Frame, _area: Rect, cx: &Ctx) {
        render_menu(frame, cx, self, &cx.theme);
    }
}

/// "Show only records…": the filters, with counts where they are known.
pub fn open_filter_menu(cx: &mut Ctx) {
    let s = &cx.screening;
    let c = s.counts();
    let queue = s.queue().len();
    let undecided = queue - c.decided().min(queue);
    let mut items = vec![
        (
            format!("Undecided ({})", fmt_n(undecided)),
            MenuPick::Filter(Filter::Undecided),
        ),
        (
            format!("Included ({})", fmt_n(c.included)),
            MenuPick::Filter(Filter::Included),
        ),
        (
            format!("Excluded ({})", fmt_n(c.excluded)),
            MenuPick::Filter(Filter::Excluded),
        ),
        (
            format!("Maybe ({})", fmt_n(c.maybe)),
            MenuPick::Filter(Filter::Maybe),
        ),
    ];
    if s.stage() == Stage::FullText {
        items.push((
            format!("Not retrieved ({})", fmt_n(c.not_retrieved)),
            MenuPick::Filter(Filter::NotRetrieved),
        ));
    }
    items.extend([
        ("Excluded for a reason…".to_string(), MenuPick::Reasons),
        ("Tagged…".to_string(), MenuPick::Tags),
        (
            "With duplicates".to_string(),
            MenuPick::Filter(Filter::Duplicates),
        ),
        ("New since a batch…".to_string(), MenuPick::Batches),
        ("Year before…".to_string(), MenuPick::YearBefore),
        ("Year from…".to_string(), MenuPick::YearFrom),
        ("Language…".to_string(), MenuPick::Languages),
    ]);
    if let Some(f) = &cx.search {
        items.push((
            format!("Matching the search \"{}\"", f.query()),
            MenuPick::Filter(Filter::Matching(f.query().to_string())),
        ));
    }
    cx.open(Layer::Menu(Menu::new("Show only records…", items)));
}

fn submenu(cx: &mut Ctx, title: &str, items: Vec<(String, MenuPick)>, empty: &str) {
    if items.is_empty() {
        cx.flash = Some(empty.to_string());
    } else {
        cx.open(Layer::Menu(Menu::new(title, items)));
    }
}

/// What a pick comes to: a filter to add, or (returning `None`) a submenu
/// or a field to type the rest in, opened here.
pub fn pick(pick: MenuPick, cx: &mut Ctx) -> Option<Filter> {
    let s = &cx.screening;
    let project = s.project();
    match pick {
        MenuPick::Filter(f) => return Some(f),
        MenuPick::Reasons => {
            let items = project
                .reasons
                .iter()
                .filter(|r| r.stage == s.stage())
                .map(|r| {
                    (
                        r.label.clone(),
                        MenuPick::Filter(Filter::Reason(r.id.clone())),
                    )
                })
                .collect();
            submenu(cx, "Excluded for…", items, "No reasons at this stage");
        }
        MenuPick::Tags => {
            let items = s
                .known_tags()
                .into_iter()
                .map(|t| (t.clone(), MenuPick::Filter(Filter::Tag(t))))
                .collect();
            let tags = cx.key_hint(Mode::Screening, Action::Tags);
            submenu(
                cx,
                "Tagged…",
                items,
                &format!("No record has a tag yet ({tags} tags one)"),
            );
        }
        MenuPick::Batches => {
            let mut batches: Vec<u32> = project.sources.iter().map(|s| s.batch).collect();
            batches.sort_unstable();
            batches.dedup();
            let items = batches
                .into_iter()
                .map(|b| {
                    let files: Vec<String> = project
                        .sources
                        .iter()
                        .filter(|s| s.batch == b)
                        .map(|s| crate::tui::view::file_name(&s.path))
                        .collect();
                    (
                        format!("batch {b} or later ({})", files.join(", ")),
                        MenuPick::Filter(Filter::NewSince(b)),
                    )
                })
                .collect();
            submenu(cx, "Imported in…", items, "Nothing has been imported");
        }
        MenuPick::Languages => {
            let items = s
                .languages()
                .into_iter()
                .map(|(l, n)| {
                    (
                        format!("{l} ({})", fmt_n(n)),
                        MenuPick::Filter(Filter::Language(l)),
                    )
                })
                .collect();
            submenu(
                cx,
                "Language…",
                items,
                "No record gives its language (RIS/MEDLINE LA field)",
            );
        }
        MenuPick::YearBefore => cx.open(TextInput::layer(
            "Year before…",
            "records published before this year (e.g. 2000)",
            "",
            Purpose::YearBefore,
        )),
        MenuPick::YearFrom => cx.open(TextInput::layer(
            "Year from…",
            "records published this year or later",
            "",
            Purpose::YearFrom,
        )),
    }
    None
}

fn render_menu(frame: &mut Frame, cx: &Ctx, m: &Menu, t: &Theme) {
    let area = frame.area();
    let width = area.width.saturating_sub(6).min(60);
    let inner_w = usize::from(width.saturating_sub(2));
    let visible = usize::from(area.height.saturating_sub(6)).max(1);
    let first = m.selected.saturating_sub(visible.saturating_sub(1));
    let mut lines: Vec<Line> = Vec::new();
    for (i, (label, _)) in m.items.iter().enumerate().skip(first).take(visible) {
        let number = if i < 9 {
            format!(" {} ", i + 1)
        } else {
            "   ".into()
        };
        let base = if i == m.selected {
            t.selected
        } else {
            Style::default()
        };
        let text = pad_to(
            &truncate(label, inner_w.saturating_sub(4)),
            inner_w.saturating_sub(3),
        );
        lines.push(Line::from(vec![
            Span::styled(number, base.patch(t.key)),
            Span::styled(text, base),
        ]));
    }
    lines.push(Line::default());
    lines.push(key_line(
        cx,
        Mode::Menu,
        &[(Action::Confirm, "pick"), (Action::Cancel, "cancel")],
        t,
    ));
    let height = lines.len() as u16 + 2;
    boxed(frame, centered(area, width, height), &m.title, lines, t);
}
