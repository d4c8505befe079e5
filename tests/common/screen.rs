//! The screen on the bundled sample project, as the in-process harness
//! tests open it: alice, title/abstract, the default keymap, a fixed clock.

use screener::commands::demo::build_demo_project;
use screener::project::{Change, Decision, Project, Stage};
use screener::store;
use screener::tui::app::App;
use screener::tui::harness::Harness;
use screener::tui::keymap::Keymap;

/// The time every decision made through [`app`] carries.
pub const CLOCK: &str = "2026-11-26T10:00:00Z";

/// The sample project as `screener demo` builds it, loaded.
pub fn demo_project() -> Project {
    let dir = tempfile::tempdir().unwrap();
    let path = build_demo_project(dir.path()).unwrap();
    store::load(&path).unwrap().0
}

/// `project` in the screen as alice at title/abstract.
pub fn app(project: Project) -> App {
    App::new(
        project,
        "demo.ron".into(),
        "alice".into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    )
    .with_clock(|| CLOCK.to_string())
}

/// Every decision the screen journaled, bulk ones one by one, in order.
pub fn decisions(h: &Harness) -> Vec<Decision> {
    h.persisted
        .iter()
        .flat_map(|c| match c {
            Change::Decide(d) => vec![d.clone()],
            Change::DecideMany(ds) => ds.clone(),
            _ => Vec::new(),
        })
        .collect()
}
