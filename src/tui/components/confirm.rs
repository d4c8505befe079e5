//! The confirmation of a bulk action, or of opening a file that is not a
//! PDF (mode `confirm`): what it will do, yes or no. Yes answers the view
//! that asked with the plan.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::project::Verdict;
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::keymap::Mode;
use crate::tui::open::OpenTarget;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{boxed, centered, key_line};
use crate::tui::wrap::wrap;

/// A bulk action to carry out once confirmed.
#[derive(Debug, Clone)]
pub struct BulkPlan {
    pub records: Vec<usize>,
    pub verdict: Verdict,
    pub rule: String,
}

/// What yes carries out.
#[derive(Debug, Clone)]
enum Plan {
    Bulk(BulkPlan),
    Open(OpenTarget),
}

#[derive(Debug, Clone)]
pub struct Confirm {
    message: String,
    plan: Plan,
}

impl Confirm {
    pub fn new(message: String, plan: BulkPlan) -> Confirm {
        Confirm {
            message,
            plan: Plan::Bulk(plan),
        }
    }

    /// Asks before `target` is handed to the system opener.
    pub fn open(message: String, target: OpenTarget) -> Confirm {
        Confirm {
            message,
            plan: Plan::Open(target),
        }
    }
}

impl Component for Confirm {
    fn mode(&self) -> Mode {
        Mode::Confirm
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        match action {
            Action::Confirm => cx.answer(match &self.plan {
                Plan::Bulk(plan) => Answer::Confirmed(plan.clone()),
                Plan::Open(target) => Answer::OpenConfirmed(target.clone()),
            }),
            Action::Cancel => {
                cx.close();
                cx.flash = Some("Nothing changed".into());
            }
            _ => {}
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Confirm, Action::Cancel]
    }

    fn draw(&self, frame: &mut Frame, _area: Rect, cx: &Ctx) {
        render_confirm(frame, cx, self, &cx.theme);
    }
}

fn render_confirm(frame: &mut Frame, cx: &Ctx, c: &Confirm, t: &Theme) {
    let area = frame.area();
    let width = area.width.saturating_sub(6).min(70);
    let inner_w = usize::from(width.saturating_sub(4));
    let mut lines: Vec<Line> = Vec::new();
    for para in c.message.lines() {
        for mut l in wrap(&[(para, Style::default())], inner_w) {
            l.spans.insert(0, Span::raw(" "));
            lines.push(l);
        }
    }
    lines.push(Line::default());
    lines.push(key_line(
        cx,
        Mode::Confirm,
        &[(Action::Confirm, "yes"), (Action::Cancel, "no")],
        t,
    ));
    let height = lines.len() as u16 + 2;
    boxed(
        frame,
        centered(area, width, height),
        match c.plan {
            Plan::Bulk(_) => "Bulk action",
            Plan::Open(_) => "Open a file",
        },
        lines,
        t,
    );
}
