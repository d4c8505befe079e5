//! Keymaps: RON files with a section per mode mapping key sequences (the
//! syntax of `crate::keys`) to actions. Shipped maps are embedded; a user
//! `keymap.ron` in the config directory layers over the chosen one key by
//! key, and `None` unbinds. Mistakes are refused at start with file, line
//! and column.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

use super::action::Action;
use crate::keys::{self, Key};

/// The keymaps in `keymaps/`, embedded in the binary.
pub const SHIPPED: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.ron")),
    ("vim", include_str!("../../keymaps/vim.ron")),
    ("rayyan", include_str!("../../keymaps/rayyan.ron")),
];

/// A mode is a screen or an overlay with its own keymap section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Screening,
    List,
    ReasonPicker,
    Search,
    Input,
    Confirm,
    Menu,
    Terms,
    Reasons,
    CriteriaEditor,
    Duplicates,
    Resolve,
    Help,
}

impl Mode {
    pub const ALL: [Mode; 13] = [
        Mode::Screening,
        Mode::List,
        Mode::ReasonPicker,
        Mode::Search,
        Mode::Input,
        Mode::Confirm,
        Mode::Menu,
        Mode::Terms,
        Mode::Reasons,
        Mode::CriteriaEditor,
        Mode::Duplicates,
        Mode::Resolve,
        Mode::Help,
    ];

    /// The section name in keymap files.
    pub fn section(self) -> &'static str {
        match self {
            Mode::Screening => "screening",
            Mode::List => "list",
            Mode::ReasonPicker => "reason_picker",
            Mode::Search => "search",
            Mode::Input => "input",
            Mode::Confirm => "confirm",
            Mode::Menu => "menu",
            Mode::Terms => "terms",
            Mode::Reasons => "reasons",
            Mode::CriteriaEditor => "criteria",
            Mode::Duplicates => "duplicates",
            Mode::Resolve => "resolve",
            Mode::Help => "help",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Mode::Screening => "Screening (one record)",
            Mode::List => "List of records",
            Mode::ReasonPicker => "Reason picker",
            Mode::Search => "Search (typing)",
            Mode::Input => "Text input (notes, tags, names)",
            Mode::Confirm => "Confirm",
            Mode::Menu => "Menus (filters)",
            Mode::Terms => "Highlighted terms",
            Mode::Reasons => "Reasons and settings",
            Mode::CriteriaEditor => "Inclusion criteria",
            Mode::Duplicates => "Duplicate review",
            Mode::Resolve => "Resolving conflicts (screener resolve)",
            Mode::Help => "Help",
        }
    }

    /// Modes where typed characters are text: plain printable keys cannot
    /// be bound there.
    pub fn is_text(self) -> bool {
        matches!(self, Mode::Search | Mode::Input)
    }
}

/// A refused keymap: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for KeymapError {}

/// Map entries in file order, duplicates kept so they can be refused.
#[derive(Default)]
struct Entries(Vec<(String, Option<Action>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of \"key\": action")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = m.next_entry::<String, Option<Action>>()? {
                    v.push(entry);
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct KeymapFile {
    screening: Entries,
    list: Entries,
    reason_picker: Entries,
    search: Entries,
    input: Entries,
    confirm: Entries,
    menu: Entries,
    terms: Entries,
    reasons: Entries,
    criteria: Entries,
    duplicates: Entries,
    resolve: Entries,
    help: Entries,
}

impl KeymapFile {
    fn section(&self, mode: Mode) -> &Entries {
        match mode {
            Mode::Screening => &self.screening,
            Mode::List => &self.list,
            Mode::ReasonPicker => &self.reason_picker,
            Mode::Search => &self.search,
            Mode::Input => &self.input,
            Mode::Confirm => &self.confirm,
            Mode::Menu => &self.menu,
            Mode::Terms => &self.terms,
            Mode::Reasons => &self.reasons,
            Mode::CriteriaEditor => &self.criteria,
            Mode::Duplicates => &self.duplicates,
            Mode::Resolve => &self.resolve,
            Mode::Help => &self.help,
        }
    }
}

#[derive(Debug, Clone)]
struct Binding {
    action: Action,
    /// Which layer bound it (0: the chosen map, 1: the user's file).
    layer: usize,
    file: String,
    line: usize,
    col: usize,
}

/// The active bindings, per mode.
#[derive(Debug, Clone)]
pub struct Keymap {
    /// Where the map came from, for `screener keys`.
    pub sources: Vec<String>,
    modes: BTreeMap<Mode, BTreeMap<Vec<Key>, Binding>>,
}

/// What a (partial) key sequence means in a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    /// The start of a longer sequence: wait for the next key.
    Prefix,
    Unbound,
}

impl Keymap {
    /// The shipped default map.
    pub fn default_map() -> Keymap {
        Keymap::from_sources(&[("keymaps/default.ron".into(), SHIPPED[0].1.into())])
            .expect("the shipped default keymap is valid (tested)")
    }

    /// Loads a shipped map by name or a file by path (anything with `/` or
    /// ending in `.ron`), then the user's layer if there is one.
    pub fn load(name_or_path: &str, user_layer: Option<&Path>) -> Result<Keymap, KeymapError> {
        let base = if name_or_path.contains('/') || name_or_path.ends_with(".ron") {
            let text = std::fs::read_to_string(name_or_path).map_err(|e| KeymapError {
                file: name_or_path.to_string(),
                line: 0,
                col: 0,
                message: format!("cannot read keymap: {e}"),
            })?;
            (name_or_path.to_string(), text)
        } else {
            let (_, text) = SHIPPED.iter().find(|(n, _)| *n == name_or_path).ok_or_else(|| {
                KeymapError {
                    file: name_or_path.to_string(),
                    line: 0,
                    col: 0,
                    message: format!(
                        "no shipped keymap of that name; shipped: {} (or give a path to a .ron file)",
                        SHIPPED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    ),
                }
            })?;
            (format!("keymaps/{name_or_path}.ron"), text.to_string())
        };
        let mut sources = vec![base];
        if let Some(p) = user_layer {
            if p.exists() {
                let text = std::fs::read_to_string(p).map_err(|e| KeymapError {
                    file: p.display().to_string(),
                    line: 0,
                    col: 0,
                    message: format!("cannot read keymap: {e}"),
                })?;
                sources.push((p.display().to_string(), text));
            }
        }
        Keymap::from_sources(&sources)
    }

    /// Builds a map from (file name, text) layers, later layers overriding
    /// earlier ones key by key.
    pub fn from_sources(layers: &[(String, String)]) -> Result<Keymap, KeymapError> {
        let mut modes: BTreeMap<Mode, BTreeMap<Vec<Key>, Binding>> = BTreeMap::new();
        for (index, (file, text)) in layers.iter().enumerate() {
            let parsed: KeymapFile = ron::Options::default()
                .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
                .from_str(text)
                .map_err(|e| KeymapError {
                    file: file.clone(),
                    line: e.span.start.line,
                    col: e.span.start.col,
                    message: e.code.to_string(),
                })?;
            for mode in Mode::ALL {
                let layer = modes.entry(mode).or_default();
                let mut seen: BTreeMap<Vec<Key>, usize> = BTreeMap::new();
                let mut occurrences: BTreeMap<&str, usize> = BTreeMap::new();
                for (key_text, action) in &parsed.section(mode).0 {
                    let nth = occurrences.entry(key_text.as_str()).or_insert(0);
                    let (line, col) = locate(text, mode.section(), key_text, *nth);
                    *nth += 1;
                    let err = |message: String| KeymapError {
                        file: file.clone(),
                        line,
                        col,
                        message,
                    };
                    let seq = keys::parse_seq(key_text)
                        .map_err(|e| err(format!("in `{}`: {}", mode.section(), e.message)))?;
                    if mode.is_text() && seq.first().is_some_and(is_typed) {
                        return Err(err(format!(
                            "`{key_text}` would be typed as text in `{}`; bind a named key \
                             (enter, esc, up, f3, …) or one with ctrl- or alt-",
                            mode.section()
                        )));
                    }
                    if let Some(&first_line) = seen.get(&seq) {
                        return Err(err(format!(
                            "`{key_text}` is bound twice in `{}` (also on line {first_line}); \
                             a key means one action per mode",
                            mode.section()
                        )));
                    }
                    seen.insert(seq.clone(), line);
                    match action {
                        Some(action) => {
                            if !action.allowed_in(mode) {
                                return Err(err(format!(
                                    "`{}` is not an action of `{}`",
                                    ron::to_string(action).unwrap_or_default(),
                                    mode.section()
                                )));
                            }
                            layer.insert(
                                seq,
                                Binding {
                                    action: *action,
                                    layer: index,
                                    file: file.clone(),
                                    line,
                                    col,
                                },
                            );
                        }
                        None => {
                            layer.remove(&seq);
                        }
                    }
                }
            }
        }
        for (mode, bindings) in &modes {
            for (seq, b) in bindings {
                for k in 1..seq.len() {
                    if let Some(short) = bindings.get(&seq[..k]) {
                        let (long_s, short_s) =
                            (keys::format_seq(seq), keys::format_seq(&seq[..k]));
                        let section = mode.section();
                        // Point at whichever binding the later layer made: that
                        // is the one the user just wrote.
                        return Err(if short.layer > b.layer {
                            KeymapError {
                                file: short.file.clone(),
                                line: short.line,
                                col: short.col,
                                message: format!(
                                    "`{short_s}` is bound alone in `{section}`, but `{long_s}` \
                                     ({}:{}) starts with it and could never be typed; \
                                     unbind `{long_s}` here with `\"{long_s}\": None`",
                                    b.file, b.line
                                ),
                            }
                        } else {
                            KeymapError {
                                file: b.file.clone(),
                                line: b.line,
                                col: b.col,
                                message: format!(
                                    "`{long_s}` starts with `{short_s}`, which is bound alone in \
                                     `{section}` ({}:{}); the longer sequence could never be typed",
                                    short.file, short.line
                                ),
                            }
                        });
                    }
                }
            }
        }
        Ok(Keymap {
            sources: layers.iter().map(|(f, _)| f.clone()).collect(),
            modes,
        })
    }

    pub fn lookup(&self, mode: Mode, seq: &[Key]) -> Lookup {
        let Some(bindings) = self.modes.get(&mode) else {
            return Lookup::Unbound;
        };
        if let Some(b) = bindings.get(seq) {
            return Lookup::Action(b.action);
        }
        let is_prefix = bindings
            .range(seq.to_vec()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(seq));
        if is_prefix {
            Lookup::Prefix
        } else {
            Lookup::Unbound
        }
    }

    /// Every binding of a mode, grouped by action in the order of the enum.
    /// Every binding of a mode, grouped by action in the order of the enum;
    /// an action's keys in the order the keymap wrote them (the user's
    /// layer first), so the first is the one its author prefers.
    pub fn bindings(&self, mode: Mode) -> Vec<(Action, Vec<String>)> {
        let mut by_action: BTreeMap<Action, Vec<(std::cmp::Reverse<usize>, usize, String)>> =
            BTreeMap::new();
        if let Some(bindings) = self.modes.get(&mode) {
            for (seq, b) in bindings {
                by_action.entry(b.action).or_default().push((
                    std::cmp::Reverse(b.layer),
                    b.line,
                    keys::format_seq(seq),
                ));
            }
        }
        by_action
            .into_iter()
            .map(|(a, mut keys)| {
                keys.sort();
                (a, keys.into_iter().map(|(_, _, k)| k).collect())
            })
            .collect()
    }

    /// The preferred key bound to `action` in `mode`, for footers.
    pub fn key_for(&self, mode: Mode, action: Action) -> Option<String> {
        self.modes
            .get(&mode)?
            .iter()
            .filter(|(_, b)| b.action == action)
            .min_by_key(|(_, b)| (std::cmp::Reverse(b.layer), b.line))
            .map(|(seq, _)| keys::format_seq(seq))
    }
}

/// A key that types a character in a text field.
pub fn is_typed(key: &Key) -> bool {
    matches!(key.code, keys::Code::Char(_)) && !key.ctrl && !key.alt
}

/// Line and column of the `nth` occurrence of `"key"` after `section:` in a
/// keymap file, for errors that RON itself does not position.
fn locate(text: &str, section: &str, key: &str, nth: usize) -> (usize, usize) {
    let start = find_section(text, section).unwrap_or(0);
    let needle = format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""));
    let offset = text[start..]
        .match_indices(&needle)
        .nth(nth)
        .map_or(start, |(i, _)| start + i);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn find_section(text: &str, section: &str) -> Option<usize> {
    text.match_indices(section).find_map(|(i, _)| {
        let before_ok = i == 0 || !text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let after = text[i + section.len()..].trim_start();
        (before_ok && after.starts_with(':')).then_some(i)
    })
}

/// The user's layer: `keymap.ron` in `SCREENER_CONFIG`, else in the
/// platform config directory.
pub fn user_layer_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SCREENER_CONFIG") {
        return Some(PathBuf::from(dir).join("keymap.ron"));
    }
    directories::ProjectDirs::from("", "", "screener").map(|d| d.config_dir().join("keymap.ron"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers(texts: &[&str]) -> Result<Keymap, KeymapError> {
        let v: Vec<(String, String)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("layer{i}.ron"), t.to_string()))
            .collect();
        Keymap::from_sources(&v)
    }

    #[test]
    fn shipped_maps_parse() {
        for (name, _) in SHIPPED {
            let map = Keymap::load(name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                matches!(
                    map.lookup(Mode::Screening, &keys::parse_seq("q").unwrap()),
                    Lookup::Action(Action::Quit)
                ) || name != &"default"
            );
        }
    }

    #[test]
    fn layering_overrides_and_unbinds() {
        let map = layers(&[
            "(screening: {\"i\": include, \"q\": quit})",
            "(screening: {\"i\": maybe, \"q\": None, \"g g\": first_undecided})",
        ])
        .unwrap();
        let k = |s| keys::parse_seq(s).unwrap();
        assert_eq!(
            map.lookup(Mode::Screening, &k("i")),
            Lookup::Action(Action::Maybe)
        );
        assert_eq!(map.lookup(Mode::Screening, &k("q")), Lookup::Unbound);
        assert_eq!(map.lookup(Mode::Screening, &k("g")), Lookup::Prefix);
        assert_eq!(
            map.lookup(Mode::Screening, &k("g g")),
            Lookup::Action(Action::FirstUndecided)
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = layers(&["(\n  screening: {\n    \"i\": include,\n    \"bogus\": maybe,\n  },\n)"])
            .unwrap_err();
        assert_eq!((e.line, e.col), (4, 5), "{e}");
        assert!(e.to_string().starts_with("layer0.ron:4:5:"), "{e}");

        let e = layers(&["(\n  screening: {\n    \"i\": include,\n    \"i\": maybe,\n  },\n)"])
            .unwrap_err();
        assert_eq!((e.line, e.col), (4, 5), "{e}");
        assert!(e.message.contains("twice"));

        let e = layers(&["(\n  screening: {\n    \"i\": includ,\n  },\n)"]).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("includ"), "{e}");

        let e = layers(&["(screening: {\"g\": next,\n \"g g\": previous})"]).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("bound alone"), "{e}");

        let e = layers(&["(screening: {\"1\": toggle_reason(1)})"]).unwrap_err();
        assert!(e.message.contains("not an action of `screening`"), "{e}");

        let e = layers(&["(screnning: {})"]).unwrap_err();
        assert!(e.message.contains("screnning"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn any_keymap_text_loads_or_is_refused_without_panic(
            text in "\\(\\s*(screening|list|search|help)\\s*:\\s*\\{(\"[a-z \\-]{0,8}\"\\s*:\\s*(include|None|quit|next_match|toggle_reason\\([0-9]\\)),?\\s*){0,4}\\}\\s*,?\\s*\\)",
            noise in "\\PC{0,12}",
        ) {
            let _ = layers(&[&text]);
            let _ = layers(&[&format!("{text}{noise}")]);
            let _ = layers(&[&noise]);
        }
    }
}
