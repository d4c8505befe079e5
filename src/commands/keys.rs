use anyhow::Result;

use crate::cli::KeysArgs;
use crate::tui::keymap::{Keymap, Mode, user_layer_path};

pub fn run(args: &KeysArgs) -> Result<()> {
    let keymap = Keymap::load(&args.keymap, user_layer_path().as_deref())?;
    println!("Keymap: {}", keymap.sources.join(" + "));
    for mode in Mode::ALL {
        println!("\n{}", mode.title());
        for (action, keys) in keymap.bindings(mode) {
            println!("  {:<18} {}", keys.join(", "), action.describe());
        }
    }
    Ok(())
}
