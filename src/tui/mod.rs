//! The terminal user interface. `app` and `view` are pure (state + step,
//! render); `run`, `terminal` and `event` are the edges that touch the
//! terminal and the disk.

pub mod action;
pub mod app;
pub mod event;
pub mod forms;
pub mod harness;
pub mod help;
pub mod input;
pub mod keymap;
pub mod open;
pub mod run;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod wrap;
