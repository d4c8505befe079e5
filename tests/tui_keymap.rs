//! Keymaps as a user meets them: the shipped maps, a user's keymap.ron
//! layered over one, and every mistake refused with file, line and column
//! (found by counting lines in the text written here), both through the
//! library and through the binary (exit 1, nothing started).

mod common;

use screener::keys::parse_seq;
use screener::tui::action::Action;
use screener::tui::keymap::{Keymap, KeymapError, Lookup, Mode, SHIPPED};

fn k(s: &str) -> Vec<screener::keys::Key> {
    parse_seq(s).unwrap()
}

#[test]
fn every_shipped_keymap_parses_and_no_mode_is_a_trap() {
    assert_eq!(
        SHIPPED.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        ["default", "vim", "rayyan"]
    );
    for (name, _) in SHIPPED {
        let map = Keymap::load(name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        for mode in Mode::ALL {
            let actions: Vec<Action> = map.bindings(mode).into_iter().map(|(a, _)| a).collect();
            assert!(
                !actions.is_empty(),
                "{name}: `{}` has no keys",
                mode.section()
            );
            let way_out = match mode {
                Mode::Screening | Mode::List | Mode::Resolve => Action::Quit,
                Mode::ReasonPicker | Mode::Search | Mode::Input | Mode::Confirm | Mode::Menu => {
                    Action::Cancel
                }
                _ => Action::Close,
            };
            assert!(
                actions.contains(&way_out),
                "{name}: no way out of `{}`",
                mode.section()
            );
        }
        // The actions a reviewer needs all day are bound in the record view.
        let screening: Vec<Action> = map
            .bindings(Mode::Screening)
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        for a in [
            Action::Include,
            Action::Exclude,
            Action::Maybe,
            Action::NotRetrieved,
            Action::Undo,
            Action::Redo,
            Action::Note,
            Action::Tags,
            Action::Next,
            Action::Previous,
            Action::Search,
            Action::NextMatch,
            Action::PreviousMatch,
            Action::List,
            Action::Criteria,
            Action::Duplicates,
            Action::Open,
            Action::CycleOrder,
            Action::Filter,
            Action::EditTerms,
            Action::EditReasons,
            Action::EditCriteria,
            Action::Jump,
            Action::Help,
            Action::ExcludeWith(1),
            Action::ExcludeWith(9),
        ] {
            assert!(screening.contains(&a), "{name}: {a:?} is not bound");
        }
        let list: Vec<Action> = map
            .bindings(Mode::List)
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        for a in [
            Action::BulkExclude,
            Action::OpenRecord,
            Action::Top,
            Action::Bottom,
        ] {
            assert!(list.contains(&a), "{name}: {a:?} is not bound in the list");
        }
    }
}

#[test]
fn rayyan_keys_are_the_ones_rayyan_users_know() {
    let map = Keymap::load("rayyan", None).unwrap();
    // Rayyan: I include, E exclude, U maybe ("undecided"); arrows move.
    for (key, action) in [
        ("i", Action::Include),
        ("e", Action::Exclude),
        ("u", Action::Maybe),
        ("down", Action::Next),
        ("up", Action::Previous),
        ("ctrl-z", Action::Undo),
        ("l", Action::Tags),
        ("n", Action::Note),
    ] {
        assert_eq!(
            map.lookup(Mode::Screening, &k(key)),
            Lookup::Action(action),
            "{key}"
        );
    }
}

fn layered(base: &str, user: &str) -> Result<Keymap, KeymapError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.ron");
    std::fs::write(&path, user).unwrap();
    Keymap::load(base, Some(&path))
}

#[test]
fn a_user_keymap_layers_key_by_key_and_unbinds() {
    let map = layered(
        "vim",
        "(\n  screening: {\n    \"q\": None,\n    \"Q\": quit,\n    \"i\": maybe,\n  },\n  list: {\"space\": page_down},\n)",
    )
    .unwrap();
    assert_eq!(map.lookup(Mode::Screening, &k("q")), Lookup::Unbound);
    assert_eq!(
        map.lookup(Mode::Screening, &k("Q")),
        Lookup::Action(Action::Quit)
    );
    assert_eq!(
        map.lookup(Mode::Screening, &k("i")),
        Lookup::Action(Action::Maybe)
    );
    // Untouched keys keep the base map's meaning.
    assert_eq!(
        map.lookup(Mode::Screening, &k("j")),
        Lookup::Action(Action::Next)
    );
    assert_eq!(map.lookup(Mode::Screening, &k("g")), Lookup::Prefix);
    assert_eq!(
        map.lookup(Mode::List, &k("space")),
        Lookup::Action(Action::PageDown)
    );
    assert_eq!(map.sources.len(), 2);
    // A missing user file is simply no layer.
    let none = Keymap::load(
        "default",
        Some(std::path::Path::new("/nonexistent/keymap.ron")),
    )
    .unwrap();
    assert_eq!(none.sources, ["keymaps/default.ron"]);
}

#[test]
fn a_user_layer_cannot_make_a_prefix_conflict_with_the_base() {
    // vim binds `g g`; binding `g` alone would make it untypeable.
    let e = layered("vim", "(\n  screening: {\n    \"g\": jump,\n  },\n)").unwrap_err();
    assert!(e.message.contains("`g` is bound alone"), "{e}");
    assert!(
        e.message.contains("keymaps/vim.ron:"),
        "names the base binding: {e}"
    );
    assert!(
        e.file.ends_with("keymap.ron"),
        "points at the user's line: {e}"
    );
    assert_eq!((e.line, e.col), (3, 5));
    // Unbinding `g g` first makes `g` free.
    let map = layered(
        "vim",
        "(screening: {\"g g\": None, \"g l\": None, \"g c\": None, \"g d\": None, \"g x\": None, \"g o\": None, \"g\": jump})",
    )
    .unwrap();
    assert_eq!(
        map.lookup(Mode::Screening, &k("g")),
        Lookup::Action(Action::Jump)
    );
}

#[test]
fn mistakes_are_refused_with_file_line_and_column() {
    let cases: &[(&str, (usize, usize), &str)] = &[
        // An unknown action: RON names its position.
        (
            "(\n  screening: {\n    \"i\": includ,\n  },\n)",
            (3, 10),
            "includ",
        ),
        // An unknown key.
        (
            "(\n  list: {\n    \"i\": include,\n    \"ctrl-\": maybe,\n  },\n)",
            (4, 5),
            "ctrl-",
        ),
        // One key, two actions, in one mode.
        (
            "(\n  menu: {\n    \"x\": cancel,\n    \"x\": confirm,\n  },\n)",
            (4, 5),
            "twice",
        ),
        // A sequence starting with a key bound alone.
        (
            "(\n  terms: {\n    \"d\": delete,\n    \"d d\": delete,\n  },\n)",
            (4, 5),
            "bound alone",
        ),
        // An action that means nothing in that mode.
        (
            "(\n  help: {\n    \"i\": include,\n  },\n)",
            (3, 5),
            "not an action of `help`",
        ),
        // A plain character in a text field's mode would be typed.
        (
            "(\n  search: {\n    \"enter\": confirm,\n    \"n\": next_match,\n  },\n)",
            (4, 5),
            "typed as text",
        ),
        // A section that is not a mode.
        ("(\n  screenin: {},\n)", (2, 3), "screenin"),
        // The same key twice in the same section is found at its second place.
        (
            "(screening: {\"i\": include}, list: {\"i\": include, \"m\": maybe, \"i\": maybe})",
            (1, 62),
            "twice",
        ),
    ];
    for (text, (line, col), needle) in cases {
        let e = layered("default", text).unwrap_err();
        assert!(e.message.contains(needle), "{text}: {e}");
        assert_eq!((e.line, e.col), (*line, *col), "{text}: {e}");
        assert!(e.file.ends_with("keymap.ron"), "{e}");
        assert!(
            e.to_string()
                .contains(&format!("keymap.ron:{line}:{col}: ")),
            "{e}"
        );
    }
}

#[test]
fn a_bad_keymap_stops_the_binary_before_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("km.ron"),
        "(\n  screening: {\n    \"i\": include,\n    \"bogus-key\": maybe,\n  },\n)",
    )
    .unwrap();
    let (code, _, err) = common::run(&["keys", "--keymap", "km.ron"], dir.path());
    assert_eq!(code, 1);
    assert!(err.contains("km.ron:4:5:"), "{err}");
    let (code, _, err) = common::run(&["keys", "--keymap", "emacs"], dir.path());
    assert_eq!(code, 1);
    assert!(err.contains("shipped: default, vim, rayyan"), "{err}");
    // The user's layer is read from SCREENER_CONFIG.
    let config = dir.path().join("no-config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("keymap.ron"),
        "(screening: {\"i\": None, \"+\": include})",
    )
    .unwrap();
    let (code, out, err) = common::run(&["keys"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("keymaps/default.ron + "), "{out}");
    assert!(out.contains("    +                    include\n"), "{out}");
}

#[test]
fn screener_keys_prints_every_binding_grouped_by_purpose() {
    let dir = tempfile::tempdir().unwrap();
    for (name, _) in SHIPPED {
        let (code, out, err) = common::run(&["keys", "--keymap", name], dir.path());
        assert_eq!(code, 0, "{err}");
        let map = Keymap::load(name, None).unwrap();
        for section in screener::tui::help::sections(&map) {
            assert!(
                out.contains(&format!(
                    "{} [{}]",
                    section.mode.title(),
                    section.mode.section()
                )),
                "{name}: {}",
                section.mode.section()
            );
            for (group, entries) in section.groups {
                assert!(out.contains(&format!("  {}\n", group.title())));
                for e in entries {
                    assert!(
                        out.contains(&format!("    {:<20} {}\n", e.keys, e.description)),
                        "{name}: {} {}",
                        e.keys,
                        e.description
                    );
                }
            }
        }
    }
    // Number keys are one line, not nine.
    let (_, out, _) = common::run(&["keys"], dir.path());
    assert!(
        out.contains("    1-9                  exclude with reason N at once\n"),
        "{out}"
    );
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definition() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, out, err) = common::run(&["completions", shell], dir.path());
        assert_eq!(code, 0, "{shell}: {err}");
        for word in ["import", "screen", "keymap", "stage"] {
            assert!(out.contains(word), "{shell} completion lacks {word}");
        }
        // Value completion (elvish and powershell complete names only).
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(out.contains("full-text"), "{shell} completes stage values");
        }
    }
    let (code, _, _) = common::run(&["completions", "tcsh"], dir.path());
    assert_eq!(code, 2, "an unknown shell is a usage error");
    let (code, out, err) = common::run(&["man"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "roff: {}",
        &out[..40]
    );
    assert!(out.contains(".TH screener 1"));
    for section in ["SCREENER SCREEN", "SCREENER IMPORT", "SCREENER KEYS"] {
        assert!(out.contains(&format!(".SH \"{section}\"")), "{section}");
    }
    assert!(
        out.contains("\\-\\-order"),
        "options of the subcommands are there"
    );
}

#[test]
fn the_readme_documents_every_key_of_every_shipped_keymap() {
    let dir = tempfile::tempdir().unwrap();
    let (code, tables, err) = common::run(&["keys", "--markdown"], dir.path());
    assert_eq!(code, 0, "{err}");
    for mode in Mode::ALL {
        assert!(
            tables.contains(&format!("(`{}`)", mode.section())),
            "{mode:?}"
        );
    }
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&tables),
        "README.md's Keys tables are stale: paste the output of \
         `screener keys --markdown` into the Keys section"
    );
}
