//! The flow diagram as an SVG figure in the layout of the PRISMA 2020
//! statement (new reviews, databases and registers): phase bars on the
//! left, the flow in the middle column, what left it in the right column,
//! and, only while the review is under way, a column of dashed boxes for
//! the records still waiting at each step (never added to a box).
//!
//! Every line is measured with [`super::metrics`] and wrapped to its box,
//! and boxes grow to their text, so no count or reason overflows.
//! `tests/prisma_svg.rs` renders the SVG with the font it is measured for
//! and checks every text's extent against its box.

use std::fmt::Write;

use super::metrics::width;
use super::{Prisma, n_text};
use crate::human::fmt_n;

const FONT: f64 = 13.0;
const LINE: f64 = 17.0;
const PAD: f64 = 9.0;
const INDENT: f64 = 12.0;
/// Measured widths are taken this much larger: kerning and hinting in a
/// viewer never add this much.
const SLACK: f64 = 1.06;
const PHASE_FONT: f64 = 14.0;
const HEADER_FONT: f64 = 14.0;
const ASCENT: f64 = 0.928;
const DESCENT: f64 = 0.236;

const LEFT: f64 = 14.0;
const BAR_W: f64 = 30.0;
const MAIN_X: f64 = LEFT + BAR_W + 16.0;
const COL_W: f64 = 330.0;
const GAP: f64 = 52.0;
const SIDE_X: f64 = MAIN_X + COL_W + GAP;
const PEND_GAP: f64 = 30.0;
const PEND_X: f64 = SIDE_X + COL_W + PEND_GAP;
const PEND_W: f64 = 200.0;
const ROW_GAP: f64 = 34.0;
const TOP: f64 = 14.0;

const FAMILY: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";

/// One line of a box before wrapping: indent level, text, bold.
struct Line {
    indent: u8,
    text: String,
    bold: bool,
}

fn line(indent: u8, text: impl Into<String>) -> Line {
    Line {
        indent,
        text: text.into(),
        bold: false,
    }
}

fn heading(text: impl Into<String>) -> Line {
    Line {
        indent: 0,
        text: text.into(),
        bold: true,
    }
}

/// A label and its count kept together on one line when they fit: the
/// count's spaces do not break.
fn counted(label: &str, n: Option<usize>) -> String {
    format!("{label} ({})", n_text(n).replace(' ', "\u{a0}"))
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Box,
    Pending,
    Header,
    Note,
}

struct BoxSpec {
    id: String,
    lines: Vec<Line>,
    style: Style,
}

/// A wrapped line: x offset from the box's text origin, the text, bold.
type Laid = (f64, String, bool);

fn fits(text: &str, avail: f64, bold: bool, size: f64) -> bool {
    width(text, size, bold) * SLACK <= avail
}

/// Greedy wrapping at spaces; a word longer than the line is cut between
/// characters. Continuation lines hang one indent deeper.
fn wrap(l: &Line, box_w: f64, size: f64) -> Vec<Laid> {
    let inner = box_w - 2.0 * PAD;
    let first_x = f64::from(l.indent) * INDENT;
    let cont_x = first_x + INDENT;
    let mut out: Vec<Laid> = Vec::new();
    let mut current = String::new();
    let avail = |out: &Vec<Laid>| {
        inner
            - if out.is_empty() {
                first_x
            } else {
                cont_x.min(inner / 2.0)
            }
    };
    let x_of = |out: &Vec<Laid>| {
        if out.is_empty() {
            first_x
        } else {
            cont_x.min(inner / 2.0)
        }
    };
    for word in l.text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if fits(&candidate, avail(&out), l.bold, size) {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            let x = x_of(&out);
            out.push((x, std::mem::take(&mut current), l.bold));
        }
        // The word alone, cut where it must be.
        let mut piece = String::new();
        for c in word.chars() {
            let mut next = piece.clone();
            next.push(c);
            if !piece.is_empty() && !fits(&next, avail(&out), l.bold, size) {
                let x = x_of(&out);
                out.push((x, std::mem::take(&mut piece), l.bold));
                piece.push(c);
            } else {
                piece = next;
            }
        }
        current = piece;
    }
    if !current.is_empty() || out.is_empty() {
        let x = x_of(&out);
        out.push((x, current, l.bold));
    }
    out
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Control characters are not allowed in XML.
            c if (c as u32) < 0x20 => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

struct Placed {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

fn content_height(lines: usize) -> f64 {
    lines as f64 * LINE + 2.0 * PAD
}

fn draw_box(svg: &mut String, spec: &BoxSpec, laid: &[Laid], at: &Placed, size: f64) {
    let (fill, stroke, dash, color) = match spec.style {
        Style::Box => ("#ffffff", "#000000", "", "#000000"),
        Style::Pending => ("#f4f4f4", "#6b6b6b", " stroke-dasharray=\"5 4\"", "#333333"),
        Style::Header => ("#ffc000", "#000000", "", "#000000"),
        Style::Note => ("none", "none", "", "#333333"),
    };
    let _ = writeln!(
        svg,
        "<g id=\"box-{}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1\"{dash}/>",
        esc(&spec.id),
        at.x,
        at.y,
        at.w,
        at.h
    );
    let block = laid.len() as f64 * LINE;
    let top = at.y + (at.h - block) / 2.0;
    let lead = (LINE - (ASCENT + DESCENT) * size) / 2.0 + ASCENT * size;
    let centred = spec.style == Style::Header;
    for (i, (dx, text, bold)) in laid.iter().enumerate() {
        let y = top + i as f64 * LINE + lead;
        let weight = if *bold { " font-weight=\"bold\"" } else { "" };
        if centred {
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"middle\" fill=\"{color}\"{weight}>{}</text>",
                at.x + at.w / 2.0,
                esc(text)
            );
        } else {
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"{size}\" fill=\"{color}\"{weight}>{}</text>",
                at.x + PAD + dx,
                esc(text)
            );
        }
    }
    svg.push_str("</g>\n");
}

fn arrow(svg: &mut String, x1: f64, y1: f64, x2: f64, y2: f64) {
    let _ = writeln!(
        svg,
        "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#000000\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>"
    );
}

fn dashed(svg: &mut String, x1: f64, y1: f64, x2: f64, y2: f64) {
    let _ = writeln!(
        svg,
        "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#6b6b6b\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>"
    );
}

/// The rows of the diagram: main box, the box beside it, the pending box.
struct Row {
    main: BoxSpec,
    side: Option<BoxSpec>,
    pending: Option<BoxSpec>,
}

fn spec(id: &str, lines: Vec<Line>) -> BoxSpec {
    BoxSpec {
        id: id.to_string(),
        lines,
        style: Style::Box,
    }
}

fn pending(id: &str, lines: Vec<Line>) -> Option<BoxSpec> {
    Some(BoxSpec {
        id: id.to_string(),
        lines,
        style: Style::Pending,
    })
}

fn rows(p: &Prisma) -> Vec<Row> {
    let n = Some;
    let mut identified = vec![heading("Records identified from:")];
    identified.push(line(0, counted("Databases", n(p.identified_databases))));
    for d in &p.databases {
        identified.push(line(1, counted(&d.name, n(d.n))));
    }
    identified.push(line(0, counted("Registers", n(p.identified_registers))));
    for d in &p.registers {
        identified.push(line(1, counted(&d.name, n(d.n))));
    }
    let mut removed = vec![heading("Records removed before screening:")];
    removed.push(line(0, counted("Duplicate records", n(p.duplicates))));
    removed.push(line(
        0,
        counted(
            "Records marked as ineligible by automation tools",
            n(p.automation),
        ),
    ));
    removed.push(line(
        0,
        counted("Records removed for other reasons", n(p.other)),
    ));
    for r in &p.other_rules {
        removed.push(line(1, counted(&r.name, n(r.n))));
    }
    let screened = if p.title_abstract_started {
        n(p.screened)
    } else {
        None
    };
    let mut waiting_screening = vec![line(
        0,
        counted("Awaiting screening", n(p.pending_screening)),
    )];
    if p.pending_maybe > 0 {
        waiting_screening.push(line(
            1,
            format!(
                "of which marked maybe: {} (maybes do not go on to full text)",
                fmt_n(p.pending_maybe)
            ),
        ));
    }
    let mut sought = vec![line(
        0,
        counted("Reports sought for retrieval", n(p.sought)),
    )];
    if p.sought_maybe > 0 {
        sought.push(line(
            1,
            format!("of which marked maybe: {}", fmt_n(p.sought_maybe)),
        ));
    }
    let mut excluded = vec![line(0, counted("Reports excluded", p.reports_excluded))];
    if p.full_text_started {
        for r in &p.reasons {
            excluded.push(line(1, counted(&r.name, n(r.n))));
        }
        if p.multiple_reasons > 0 {
            excluded.push(line(
                1,
                format!(
                    "{} with several reasons, counted under the first",
                    fmt_n(p.multiple_reasons)
                ),
            ));
        }
    }
    vec![
        Row {
            main: spec("identified", identified),
            side: Some(spec("removed", removed)),
            pending: None,
        },
        Row {
            main: spec(
                "screened",
                vec![line(0, counted("Records screened", screened))],
            ),
            side: Some(spec(
                "excluded",
                vec![line(0, counted("Records excluded", n(p.excluded)))],
            )),
            pending: (p.pending_screening > 0)
                .then(|| pending("pending-screening", waiting_screening))
                .flatten(),
        },
        Row {
            main: spec("sought", sought),
            side: Some(spec(
                "not-retrieved",
                vec![line(0, counted("Reports not retrieved", p.not_retrieved))],
            )),
            pending: (p.pending_retrieval > 0)
                .then(|| {
                    pending(
                        "pending-retrieval",
                        vec![line(
                            0,
                            counted("Awaiting retrieval", n(p.pending_retrieval)),
                        )],
                    )
                })
                .flatten(),
        },
        Row {
            main: spec(
                "assessed",
                vec![line(
                    0,
                    counted("Reports assessed for eligibility", p.assessed),
                )],
            ),
            side: Some(spec("reports-excluded", excluded)),
            pending: p.pending_assessment.filter(|&m| m > 0).and_then(|m| {
                pending(
                    "pending-assessment",
                    vec![line(0, counted("Awaiting an eligibility decision", n(m)))],
                )
            }),
        },
        Row {
            main: spec(
                "included",
                vec![
                    line(0, counted("Studies included in review", p.included)),
                    line(0, counted("Reports of included studies", p.included)),
                ],
            ),
            side: None,
            pending: None,
        },
    ]
}

pub fn render(p: &Prisma) -> String {
    let rows = rows(p);
    let with_pending = rows.iter().any(|r| r.pending.is_some());
    let total_w = if with_pending {
        PEND_X + PEND_W + LEFT
    } else {
        SIDE_X + COL_W + LEFT
    };
    let mut body = String::new();

    // The header over the flow.
    let header = BoxSpec {
        id: "header".into(),
        lines: vec![Line {
            indent: 0,
            text: "Identification of new studies via databases and registers".into(),
            bold: true,
        }],
        style: Style::Header,
    };
    let header_w = SIDE_X + COL_W - MAIN_X;
    let header_laid: Vec<Laid> = header
        .lines
        .iter()
        .flat_map(|l| wrap(l, header_w, HEADER_FONT))
        .collect();
    let header_h = content_height(header_laid.len()) - 2.0;
    draw_box(
        &mut body,
        &header,
        &header_laid,
        &Placed {
            x: MAIN_X,
            y: TOP,
            w: header_w,
            h: header_h,
        },
        HEADER_FONT,
    );

    let phase_min = |label: &str| width(label, PHASE_FONT, true) * SLACK + 2.0 * PAD;
    let mut y = TOP + header_h + 18.0;
    let mut placed_rows: Vec<(f64, f64)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let lay = |b: &BoxSpec, w: f64| -> Vec<Laid> {
            b.lines.iter().flat_map(|l| wrap(l, w, FONT)).collect()
        };
        let main = lay(&row.main, COL_W);
        let side = row.side.as_ref().map(|s| lay(s, COL_W));
        let pend = row.pending.as_ref().map(|s| lay(s, PEND_W));
        let mut h = content_height(main.len());
        for l in side.iter().chain(pend.iter()) {
            h = h.max(content_height(l.len()));
        }
        // Rows a phase bar covers alone must be as tall as its label.
        h = match i {
            0 => h.max(phase_min("Identification")),
            4 => h.max(phase_min("Included")),
            _ => h,
        };
        draw_box(
            &mut body,
            &row.main,
            &main,
            &Placed {
                x: MAIN_X,
                y,
                w: COL_W,
                h,
            },
            FONT,
        );
        if let (Some(s), Some(laid)) = (&row.side, &side) {
            draw_box(
                &mut body,
                s,
                laid,
                &Placed {
                    x: SIDE_X,
                    y,
                    w: COL_W,
                    h,
                },
                FONT,
            );
            arrow(
                &mut body,
                MAIN_X + COL_W,
                y + h / 2.0,
                SIDE_X - 1.5,
                y + h / 2.0,
            );
        }
        if let (Some(s), Some(laid)) = (&row.pending, &pend) {
            let ph = content_height(laid.len());
            let py = y + (h - ph) / 2.0;
            draw_box(
                &mut body,
                s,
                laid,
                &Placed {
                    x: PEND_X,
                    y: py,
                    w: PEND_W,
                    h: ph,
                },
                FONT,
            );
            dashed(&mut body, SIDE_X + COL_W, y + h / 2.0, PEND_X, y + h / 2.0);
        }
        if i > 0 {
            arrow(
                &mut body,
                MAIN_X + COL_W / 2.0,
                y - ROW_GAP,
                MAIN_X + COL_W / 2.0,
                y - 1.5,
            );
        }
        placed_rows.push((y, h));
        y += h + ROW_GAP;
    }
    // Phase bars: identification (row 0), screening (rows 1-3), included.
    let spans = [
        ("Identification", 0, 0),
        ("Screening", 1, 3),
        ("Included", 4, 4),
    ];
    for (label, from, to) in spans {
        let top = placed_rows[from].0;
        let bottom = placed_rows[to].0 + placed_rows[to].1;
        let cx = LEFT + BAR_W / 2.0;
        let cy = (top + bottom) / 2.0;
        // Rotated a quarter turn: the baseline sits half an x-height right
        // of the centre line.
        let base = cx + (ASCENT - DESCENT) * PHASE_FONT / 2.0;
        let _ = writeln!(
            body,
            "<g id=\"box-phase-{}\"><rect x=\"{LEFT:.1}\" y=\"{top:.1}\" width=\"{BAR_W:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"#a9c9e8\" stroke=\"#5b8db8\" stroke-width=\"1\"/>\
<text x=\"{base:.1}\" y=\"{cy:.1}\" transform=\"rotate(-90 {base:.1} {cy:.1})\" font-size=\"{PHASE_FONT}\" font-weight=\"bold\" text-anchor=\"middle\">{label}</text></g>",
            label.to_lowercase(),
            bottom - top
        );
    }
    let mut height = y - ROW_GAP + 14.0;
    if with_pending {
        let note = BoxSpec {
            id: "note".into(),
            lines: vec![line(
                0,
                "Dashed boxes: records still waiting at that step; they are not counted in any box.",
            )],
            style: Style::Note,
        };
        let w = total_w - MAIN_X - LEFT;
        let laid: Vec<Laid> = note.lines.iter().flat_map(|l| wrap(l, w, FONT)).collect();
        let h = content_height(laid.len());
        draw_box(
            &mut body,
            &note,
            &laid,
            &Placed {
                x: MAIN_X,
                y: height - 8.0,
                w,
                h,
            },
            FONT,
        );
        height += h - 8.0;
    }
    let mut svg = String::with_capacity(body.len() + 1024);
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_w:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {total_w:.0} {height:.0}\" font-family=\"{FAMILY}\">"
    );
    let _ = writeln!(
        svg,
        "<title>PRISMA 2020 flow diagram ({})</title>",
        esc(&p.reviewer)
    );
    svg.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#000000\"/></marker></defs>\n",
    );
    let _ = writeln!(
        svg,
        "<rect x=\"0\" y=\"0\" width=\"{total_w:.0}\" height=\"{height:.0}\" fill=\"#ffffff\"/>"
    );
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}
