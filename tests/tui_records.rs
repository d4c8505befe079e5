//! What the screen shows of records beyond their fields: why a duplicate
//! was linked and whether its names differ as the detection sees them, a
//! primary completed from its copies, structured abstracts as headed
//! sections, and the list's first author, year and distinct stand-in
//! titles (on the pasted results page of the corpus).

mod common;

use common::screen::{app, demo_project};
use screener::dedup::{DuplicateMatch, MatchRule};
use screener::ingest::{Input, import_files};
use screener::project::Project;
use screener::store;
use screener::tui::harness::Harness;
use screener::tui::keymap::Mode;

const COPY_TITLE: &str = "Melanin, camouflage and the colours of counter-shaded dinosaurs";
const COPY_DOI: &str = "10.3390/d10040154";

/// The demo with a copy of the pasted page's first (untitled) record, as a
/// RIS export gives it: with a title and a DOI, names written surname
/// first, linked by the abstract rule as the import would link it.
fn with_untitled_primary() -> (Project, usize) {
    let mut project = demo_project();
    let p = project
        .records
        .iter()
        .position(|r| r.title.is_empty())
        .expect("the pasted page has untitled records");
    let primary = project.records[p].clone();
    assert_eq!(primary.authors[0], "Juan J. Negro", "{:?}", primary.authors);
    let mut copy = primary.clone();
    copy.key = format!("{}~ris", primary.key);
    copy.title = COPY_TITLE.into();
    copy.doi = COPY_DOI.into();
    copy.authors = vec![
        "Negro, J.J.".into(),
        "Finlayson, C.".into(),
        "Galvan, I.".into(),
    ];
    copy.origin.source = 0;
    copy.origin.position = 99;
    copy.duplicate_of = Some(primary.key.clone());
    copy.duplicate_match = Some(DuplicateMatch {
        rule: MatchRule::Abstract,
        with: primary.key.clone(),
        score: 953,
    });
    project.records.push(copy);
    (project, p)
}

/// Goes to record `index` of the project (by its row).
fn go_to(h: &mut Harness, index: usize) {
    let row = h.app.rows().iter().position(|&i| i == index).unwrap();
    h.keys(&format!("g {} enter", spaced(row + 1)));
    assert_eq!(h.app.position(), row);
}

fn spaced(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn duplicate_review_names_the_stored_rule_and_compares_names_as_the_dedup_does() {
    let (project, _) = with_untitled_primary();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut hs = Harness::new(app(project.clone()), w, h);
        hs.keys("D");
        assert_eq!(hs.app.mode(), Mode::Duplicates);
        let screen = hs.screen();
        assert!(
            screen.contains("Linked because: similar abstract (95.3% alike"),
            "{screen}"
        );
        assert!(!screen.contains("similar title"), "{screen}");
        // `Juan J. Negro` and `Negro, J.J.` are one person.
        assert!(screen.contains("Authors: Juan J. Negro"), "{screen}");
        assert!(!screen.contains("Authors ≠"), "{screen}");
        assert!(screen.contains("Title ≠"), "{screen}");
        if w == 120 {
            insta::assert_snapshot!("duplicate_by_abstract_120x40", screen);
        }
    }
    // Names that are other people are still marked.
    let (mut project, _) = with_untitled_primary();
    project.records.last_mut().unwrap().authors[1] = "Watson, Emma".into();
    let mut h = Harness::new(app(project), 120, 40);
    h.keys("D");
    assert!(h.screen().contains("Authors ≠"));
}

#[test]
fn a_primary_shows_its_copies_and_takes_a_missing_title_and_doi_from_one() {
    let (project, p) = with_untitled_primary();
    let mut h = Harness::new(app(project), 80, 24);
    go_to(&mut h, p);
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        lines[3].starts_with(" Melanin, camouflage and the colours"),
        "the copy's title, not `(no title)`:\n{screen}"
    );
    assert!(!screen.contains("(no title)"), "{screen}");
    let flat = screen.replace('\n', " ").replace("  ", " ");
    assert!(flat.contains("1 linked copy"), "{screen}");
    assert!(
        flat.contains(&format!("title and DOI {COPY_DOI} taken from a copy")),
        "{screen}"
    );
    // The project keeps the record as its source gave it.
    assert!(h.app.project().records[p].title.is_empty());
    // `o` opens the DOI the copy brought.
    h.keys("o");
    assert_eq!(h.opened.len(), 1);
    assert_eq!(h.opened[0].urls, [format!("https://doi.org/{COPY_DOI}")]);
    // The list shows the same title for it.
    h.keys("l");
    let list = h.screen();
    let number = (h.app.position() + 1).to_string();
    assert!(
        list.lines()
            .any(|l| l.split_whitespace().next() == Some(number.as_str())
                && l.contains("Melanin, camouflage")),
        "{list}"
    );
    h.keys("l");
    // A record with no copies says nothing of copies.
    h.keys("g 1 enter");
    assert!(!h.screen().contains("linked cop"));
}

const MEDLINE_RIS: &str = "TY  - JOUR\nTI  - Peer support in mental health services\nAU  - Repper, Julie\nPY  - 2011\nAB  - BACKGROUND: Peer support workers are being employed in services. METHODS: We reviewed 25 studies of peer support. RESULTS: Peers reduced admissions. CONCLUSIONS: Peer support helps.\nER  - \n";

#[test]
fn a_structured_abstract_is_shown_in_headed_sections() {
    let mut project = Project::new();
    let input = Input {
        path: "medline.ris".into(),
        bytes: MEDLINE_RIS.as_bytes(),
        format: None,
        database: Some("PubMed".into()),
    };
    import_files(&mut project, &[input]).unwrap();
    let mut h = Harness::new(app(project), 80, 24);
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().map(str::trim).collect();
    for (heading, text) in [
        (
            "Background",
            "Peer support workers are being employed in services.",
        ),
        ("Methods", "We reviewed 25 studies of peer support."),
        ("Results", "Peers reduced admissions."),
        ("Conclusions", "Peer support helps."),
    ] {
        let at = lines
            .iter()
            .position(|l| *l == heading)
            .unwrap_or_else(|| panic!("no heading {heading}:\n{screen}"));
        assert_eq!(lines[at + 1], text, "{screen}");
    }
    assert!(!screen.contains("BACKGROUND:"), "{screen}");
}

/// The corpus's pasted results page, imported.
fn pasted_page() -> Option<Project> {
    let path = common::corpus()?.join("pasted/emerald_search_results_peer_support.txt");
    let bytes = std::fs::read(&path).unwrap();
    let mut project = Project::new();
    let input = Input {
        path: path.display().to_string(),
        bytes: &bytes,
        format: None,
        database: None,
    };
    import_files(&mut project, &[input]).unwrap();
    Some(project)
}

#[test]
fn the_list_tells_untitled_records_apart_by_author_year_and_words() {
    let Some(project) = pasted_page() else {
        return;
    };
    for (w, hgt) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(app(project.clone()), w, hgt);
        h.keys("l");
        assert_eq!(h.app.mode(), Mode::List);
        let screen = h.screen();
        if w == 120 {
            insta::assert_snapshot!("pasted_list_120x40", screen);
        }
        let rows: Vec<&str> = screen
            .lines()
            .skip(4)
            .take(h.app.rows().len())
            .map(str::trim_end)
            .collect();
        assert!(screen.lines().nth(3).unwrap().contains("author, year"));
        assert!(rows[0].contains("Repper 2012"), "{}", rows[0]);
        // Titles differ for every pair of rows (the two Repper and Watson
        // papers of 2012 included), author and year aside.
        let titles: Vec<String> = rows
            .iter()
            .map(|r| {
                let start = r.find("(no title)").unwrap_or_else(|| panic!("{r}"));
                r[start..].split("  ").next().unwrap().to_string()
            })
            .collect();
        for i in 0..titles.len() {
            for j in i + 1..titles.len() {
                assert_ne!(titles[i], titles[j], "rows {i} and {j}:\n{screen}");
            }
        }
        assert!(
            !titles.iter().any(|t| t.starts_with("(no title) Purpose")),
            "the heading is skipped: {titles:?}"
        );
    }
}

#[test]
fn the_demo_opens_with_a_protocol_that_fits_its_records() {
    use ratatui::style::Color;
    let dir = tempfile::tempdir().unwrap();
    let path = screener::commands::demo::build_demo(dir.path()).unwrap();
    let project = store::load(&path).unwrap().0;
    assert!(project.criteria.contains("dinosaur"));
    let mut h = Harness::new(app(project), 80, 24);
    // The first record's title highlights an include term at once.
    let buf = h.buffer();
    let title: Vec<_> = (0..80u16).map(|x| buf[(x, 3)].clone()).collect();
    let text: String = title.iter().map(|c| c.symbol()).collect();
    let at = text
        .find("dinosaurs")
        .expect("the first title names dinosaurs");
    assert_eq!(title[at].fg, Color::Green, "{text}");
    assert_ne!(title[0].fg, Color::Green);
    // Reasons that fit the records, in the picker.
    h.keys("e");
    let screen = h.screen();
    assert!(screen.contains("Not about dinosaurs"), "{screen}");
    assert!(screen.contains("Erratum or correction"), "{screen}");
    // The psychology record that only names a dinosaur shows exclude terms.
    h.keys("esc");
    let row = h
        .app
        .rows()
        .iter()
        .position(|&i| {
            h.app.project().records[i]
                .title
                .starts_with("DINOSAUR: An integrated")
        })
        .unwrap();
    h.keys(&format!("g {} enter", spaced(row + 1)));
    let buf = h.buffer();
    let mut found = false;
    for y in 3..24u16 {
        let line: String = (0..80u16)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(at) = line.find("treatment") {
            let x = line[..at].chars().count() as u16;
            assert!(
                buf[(x, y)]
                    .modifier
                    .contains(ratatui::style::Modifier::UNDERLINED),
                "exclude term style at {line}"
            );
            found = true;
            break;
        }
    }
    assert!(found, "`treatment` is on screen");
}

/// The widest run of text on the rows of the abstract, and where it starts.
fn abstract_extent(screen: &str) -> (usize, usize) {
    use unicode_width::UnicodeWidthStr;
    let lines: Vec<&str> = screen.lines().collect();
    let body = &lines[8..lines.len() - 2];
    let widest = body.iter().map(|l| l.trim().width()).max().unwrap();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap();
    (widest, indent)
}

#[test]
fn the_abstract_is_capped_at_a_reading_width_and_centred() {
    use screener::tui::app::Prefs;
    for width in [120u16, 200] {
        let mut h = Harness::new(app(demo_project()), width, 40);
        let (widest, indent) = abstract_extent(&h.screen());
        assert!(widest <= 90, "{width} columns: lines of {widest}");
        assert!(widest >= 80, "{width} columns: lines of {widest}");
        let margin = usize::from(width) - 92;
        assert_eq!(indent, margin / 2 + 1, "{width} columns: centred");
        // The setting changes it; 0 is the whole width.
        for (setting, max) in [(60u16, 60usize), (0, usize::from(width) - 2)] {
            let prefs = Prefs {
                reading_width: setting,
                ..Prefs::default()
            };
            let mut h = Harness::new(app(demo_project()).with_prefs(prefs), width, 40);
            let (widest, _) = abstract_extent(&h.screen());
            assert!(widest <= max, "{setting}: {widest}");
            assert!(widest > max - 15, "{setting}: {widest}");
        }
    }
    // At 80 columns nothing changes: the text takes the width.
    let mut h = Harness::new(app(demo_project()), 80, 24);
    let (widest, indent) = abstract_extent(&h.screen());
    assert!(widest > 70 && indent == 1, "{widest} {indent}");
}

#[test]
fn the_reading_width_is_a_flag_of_screen_and_demo() {
    use clap::Parser;
    use screener::cli::{Cli, Command};
    let cli =
        Cli::try_parse_from(["screener", "screen", "p.ron", "--reading-width", "72"]).unwrap();
    let Command::Screen(args) = cli.command else {
        panic!("not screen");
    };
    assert_eq!(
        screener::commands::screen::prefs(&args.options).reading_width,
        72
    );
    let cli = Cli::try_parse_from(["screener", "screen", "p.ron"]).unwrap();
    let Command::Screen(args) = cli.command else {
        panic!("not screen");
    };
    assert_eq!(
        screener::commands::screen::prefs(&args.options).reading_width,
        screener::tui::components::record::DEFAULT_READING_WIDTH
    );
    assert!(Cli::try_parse_from(["screener", "demo", "--reading-width", "100"]).is_ok());
}

const EMOJI_RIS: &str = "TY  - JOUR\nTI  - Family life and flags 🇫🇷🇬🇧 with 👨\u{200D}👩\u{200D}👧 and 👍🏽 and 🏳\u{FE0F}\u{200D}🌈 end\nAU  - Repper, Julie\nPY  - 2012\nAB  - Families 👩\u{200D}👩\u{200D}👦\u{200D}👦 together 🇬🇧🇫🇷 flags.\nER  - \nTY  - JOUR\nTI  - Plain\nAU  - Watson, Emma\nPY  - 2013\nAB  - Plain.\nER  - \n";

/// A terminal that cannot join emoji (tmux): each code point of a cluster
/// is drawn on its own, as wide as it is alone.
struct SplittingTerminal {
    rows: Vec<Vec<String>>,
}

impl SplittingTerminal {
    fn new(width: u16, height: u16) -> Self {
        SplittingTerminal {
            rows: vec![vec![" ".to_string(); usize::from(width)]; usize::from(height)],
        }
    }

    fn draw(&mut self, updates: Vec<(u16, u16, &ratatui::buffer::Cell)>) {
        use unicode_width::UnicodeWidthChar;
        for (x, y, cell) in updates {
            let row = &mut self.rows[usize::from(y)];
            let mut x = usize::from(x);
            for ch in cell.symbol().chars() {
                let w = ch.width().unwrap_or(0);
                if w == 0 || x >= row.len() {
                    continue;
                }
                row[x] = ch.to_string();
                for k in 1..w {
                    if x + k < row.len() {
                        row[x + k] = String::new();
                    }
                }
                x += w;
            }
        }
    }
}

/// The frame as drawn (what the terminal's next diff starts from), not the
/// backend's copy of what was sent.
fn frame(h: &mut Harness) -> ratatui::buffer::Buffer {
    let Harness { app, terminal, .. } = h;
    terminal
        .draw(|f| screener::tui::view::render(f, app))
        .unwrap()
        .buffer
        .clone()
}

#[test]
fn emoji_clusters_are_drawn_whole_and_leave_no_stray_cells() {
    use ratatui::buffer::Buffer;
    let mut project = Project::new();
    let input = Input {
        path: "emoji.ris".into(),
        bytes: EMOJI_RIS.as_bytes(),
        format: None,
        database: None,
    };
    import_files(&mut project, &[input]).unwrap();
    let mut h = Harness::new(app(project), 80, 24);
    let first = frame(&mut h);
    // Each cluster is in one cell, whole.
    let symbols: Vec<&str> = first.content.iter().map(|c| c.symbol()).collect();
    for cluster in [
        "🇫🇷",
        "🇬🇧",
        "👨\u{200D}👩\u{200D}👧",
        "👍🏽",
        "🏳\u{FE0F}\u{200D}🌈",
        "👩\u{200D}👩\u{200D}👦\u{200D}👦",
    ] {
        assert!(symbols.contains(&cluster), "{cluster} is not whole");
    }
    h.keys("right");
    let second = frame(&mut h);
    assert!(h.screen().contains(" Plain"));
    let mut term = SplittingTerminal::new(80, 24);
    term.draw(Buffer::empty(first.area).diff(&first));
    term.draw(first.diff(&second));
    for y in 0..24u16 {
        for x in 0..80u16 {
            assert_eq!(
                term.rows[usize::from(y)][usize::from(x)],
                second[(x, y)].symbol(),
                "cell {x},{y} left over from the emoji: {:?}",
                term.rows[usize::from(y)].concat()
            );
        }
    }
    // Going back draws them again, and what the terminal spilled past a
    // cluster is overwritten in the same frame.
    h.keys("left");
    let again = frame(&mut h);
    term.draw(second.diff(&again));
    let title = term.rows[3].concat();
    assert!(title.contains(" end"), "{title}");
    assert!(title.contains("Family life and flags"), "{title}");
}
