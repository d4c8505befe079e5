//! `screener keys`: the active key bindings, generated from the live
//! keymap like the help overlay.

use anyhow::Result;

use crate::cli::KeysArgs;
use crate::tui::help;
use crate::tui::keymap::{Keymap, user_layer_path};

pub fn run(args: &KeysArgs) -> Result<()> {
    let keymap = Keymap::load(&args.keymap, user_layer_path().as_deref())?;
    print!("{}", help::text(&keymap));
    Ok(())
}
