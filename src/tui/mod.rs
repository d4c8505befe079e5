//! The terminal user interface. `app` routes events to `components` (one
//! per mode) that share the session (`ctx`); `view` draws the frame around
//! them. All of it is pure (state + step, render); `run`, `terminal` and
//! `event` are the edges that touch the terminal and the disk. The
//! screening logic itself is in `crate::screening`.

pub mod action;
pub mod app;
pub mod component;
pub mod components;
pub mod ctx;
pub mod event;
#[cfg(any(test, feature = "testkit"))]
pub mod harness;
pub mod help;
pub mod input;
pub mod keymap;
pub mod open;
pub mod run;
pub mod signals;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod wrap;
