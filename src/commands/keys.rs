//! `screener keys`: the active key bindings, generated from the live
//! keymap like the help overlay.

use anyhow::Result;

use crate::cli::KeysArgs;
use crate::tui::help;
use crate::tui::keymap::{Keymap, SHIPPED, user_layer_path};

pub fn run(args: &KeysArgs) -> Result<()> {
    if args.markdown {
        let mut maps = Vec::new();
        for (name, _) in SHIPPED {
            maps.push((*name, Keymap::load(name, None)?));
        }
        print!("{}", help::markdown(&maps));
        return Ok(());
    }
    let keymap = Keymap::load(&args.keymap, user_layer_path().as_deref())?;
    print!("{}", help::text(&keymap));
    Ok(())
}
