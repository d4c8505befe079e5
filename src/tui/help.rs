//! The key reference, generated from the live keymap: per mode, the bound
//! actions grouped by purpose, each with its keys and description. The help
//! overlay draws it and `screener keys` prints it, so both always tell the
//! truth about the keymap in use.

use std::collections::HashMap;

use super::action::{Action, Group};
use super::keymap::{Keymap, Mode};

pub struct Entry {
    pub action: Action,
    /// The keys bound to the action, e.g. `right, n`.
    pub keys: String,
    pub description: String,
}

pub struct Section {
    pub mode: Mode,
    pub groups: Vec<(Group, Vec<Entry>)>,
}

/// Every mode with bindings, in `Mode::ALL` order; within a mode the
/// groups in `Group` order and the actions in `Action` order.
pub fn sections(keymap: &Keymap) -> Vec<Section> {
    let mut out = Vec::new();
    for mode in Mode::ALL {
        let mut bindings = keymap.bindings(mode);
        if bindings.is_empty() {
            continue;
        }
        bindings.sort_by_key(|(a, _)| (a.group(), *a));
        let mut groups: Vec<(Group, Vec<Entry>)> = Vec::new();
        let digits = digit_run(&bindings);
        for (action, keys) in bindings {
            let entry = match (
                numbered(action),
                digits.get(&std::mem::discriminant(&action)),
            ) {
                (Some(1), Some(&last)) => Entry {
                    action,
                    keys: format!("1-{last}"),
                    description: action.describe(mode).replace(" 1", " N"),
                },
                (Some(_), Some(_)) => continue,
                _ => Entry {
                    action,
                    keys: keys.join(", "),
                    description: action.describe(mode),
                },
            };
            match groups.last_mut() {
                Some((g, entries)) if *g == action.group() => entries.push(entry),
                _ => groups.push((action.group(), vec![entry])),
            }
        }
        out.push(Section { mode, groups });
    }
    out
}

/// The number of a numbered action (`exclude_with(3)` → 3).
fn numbered(a: Action) -> Option<u8> {
    match a {
        Action::ExcludeWith(n)
        | Action::ToggleReason(n)
        | Action::Pick(n)
        | Action::TakeSide(n) => Some(n),
        _ => None,
    }
}

/// Numbered actions bound exactly to the digits `1`..`k` (and nothing
/// else), shown as one line `1-k`; the value is `k`.
fn digit_run(bindings: &[(Action, Vec<String>)]) -> HashMap<std::mem::Discriminant<Action>, u8> {
    let mut by_kind: HashMap<std::mem::Discriminant<Action>, Vec<(u8, &Vec<String>)>> =
        HashMap::new();
    for (a, keys) in bindings {
        if let Some(n) = numbered(*a) {
            by_kind
                .entry(std::mem::discriminant(a))
                .or_default()
                .push((n, keys));
        }
    }
    by_kind
        .into_iter()
        .filter_map(|(kind, mut v)| {
            v.sort_by_key(|(n, _)| *n);
            let exact = v.len() > 1
                && v.iter().enumerate().all(|(i, (n, keys))| {
                    usize::from(*n) == i + 1 && keys.len() == 1 && keys[0] == n.to_string()
                });
            exact.then_some((kind, v.len() as u8))
        })
        .collect()
}

/// The shipped keymaps side by side, one Markdown table per mode, for the
/// README (`screener keys --markdown`; a test keeps the README in step).
pub fn markdown(maps: &[(&str, Keymap)]) -> String {
    use std::collections::BTreeMap;
    let per_map: Vec<Vec<Section>> = maps.iter().map(|(_, m)| sections(m)).collect();
    let mut out = String::new();
    for mode in Mode::ALL {
        let mut rows: BTreeMap<(Group, Action), (String, Vec<String>)> = BTreeMap::new();
        for (n, secs) in per_map.iter().enumerate() {
            for section in secs.iter().filter(|s| s.mode == mode) {
                for (group, entries) in &section.groups {
                    for e in entries {
                        let row = rows.entry((*group, e.action)).or_insert_with(|| {
                            (e.description.clone(), vec![String::new(); maps.len()])
                        });
                        row.1[n] = e
                            .keys
                            .split(", ")
                            .map(|k| format!("`{}`", k.replace('|', "\\|")))
                            .collect::<Vec<_>>()
                            .join(" ");
                    }
                }
            }
        }
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("#### {} (`{}`)\n\n", mode.title(), mode.section()));
        out.push_str("| action |");
        for (name, _) in maps {
            out.push_str(&format!(" {name} |"));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(maps.len()));
        out.push('\n');
        for ((_, _), (description, keys)) in rows {
            out.push_str(&format!("| {description} |"));
            for k in keys {
                out.push_str(&format!(" {} |", if k.is_empty() { "—" } else { &k }));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The reference as plain text, for `screener keys`.
pub fn text(keymap: &Keymap) -> String {
    let mut out = format!("Keymap: {}\n", keymap.sources.join(" + "));
    for s in sections(keymap) {
        out.push_str(&format!("\n{} [{}]\n", s.mode.title(), s.mode.section()));
        for (group, entries) in &s.groups {
            out.push_str(&format!("  {}\n", group.title()));
            for e in entries {
                out.push_str(&format!("    {:<20} {}\n", e.keys, e.description));
            }
        }
    }
    out
}
