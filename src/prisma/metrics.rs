//! Text widths for laying out the SVG diagram, from the advance widths of
//! DejaVu Sans (regular and bold), the font the SVG names first. DejaVu is
//! wider than the fonts a viewer falls back to (Arial, Helvetica,
//! Liberation Sans), so a line measured here fits in those too. The table
//! (`metrics_table.rs`) is generated from the font files in
//! `tests/fixtures/fonts`, and `tests/prisma_svg.rs` checks it against
//! them.

use super::metrics_table::{RANGES, UNITS_PER_EM};

/// The width, in ems, taken for a character the table does not have: a
/// viewer draws it from another font, CJK at one em, and no glyph of the
/// table is wider than this.
const UNKNOWN: f64 = 1.25;

/// The advance of `c` in ems.
pub fn advance(c: char, bold: bool) -> f64 {
    let cp = c as u32;
    for (start, widths) in RANGES {
        if cp >= *start && ((cp - start) as usize) < widths.len() {
            let (regular, b) = widths[(cp - start) as usize];
            let units = if bold { b } else { regular };
            if units > 0 {
                return f64::from(units) / f64::from(UNITS_PER_EM);
            }
        }
    }
    UNKNOWN
}

/// The width of `text` at `size` (px), before kerning (which only narrows
/// DejaVu's pairs).
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    text.chars().map(|c| advance(c, bold)).sum::<f64>() * size
}

/// Runs of code points from a start: (regular, bold) advance in font units.
pub type Ranges = &'static [(u32, &'static [(u16, u16)])];

/// The table, for the test that checks it against the fonts.
pub fn table() -> (u16, Ranges) {
    (UNITS_PER_EM, RANGES)
}
