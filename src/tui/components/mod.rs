//! The screen's components, one per mode (docs/ARCHITECTURE.md, "The
//! screen"). Views: `record`, `list` (sharing `browse`), `dups`, and
//! `resolve` (the consensus over reviewers' conflicts, `screener resolve`).
//! Overlays: `picker`, `search`, `text`, `menu`, `confirm`, `help` and the
//! editors `terms`, `reasons`, `criteria` (sharing `editor`).

pub mod browse;
pub mod confirm;
pub mod criteria;
pub mod dups;
pub mod editor;
pub mod help;
pub mod list;
pub mod menu;
pub mod picker;
pub mod reasons;
pub mod record;
pub mod resolve;
pub mod search;
pub mod terms;
pub mod text;
