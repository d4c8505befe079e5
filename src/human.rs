//! Numbers and counts written for people, shared by the screen and the
//! command-line reports so both say "1,234 records" the same way.

/// `n` with thousands separators: `12345` → `12,345`.
pub fn fmt_n(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun that agrees with it: `count(1, "record", "records")`
/// → `1 record`, `count(1200, …)` → `1,200 records`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", fmt_n(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(fmt_n(0), "0");
        assert_eq!(fmt_n(999), "999");
        assert_eq!(fmt_n(1000), "1,000");
        assert_eq!(fmt_n(1234567), "1,234,567");
    }

    #[test]
    fn the_noun_agrees_with_the_count() {
        assert_eq!(count(1, "record", "records"), "1 record");
        assert_eq!(count(0, "record", "records"), "0 records");
        assert_eq!(count(2500, "record", "records"), "2,500 records");
    }
}
