//! Which bibliographic database a file's records came from, guessed from
//! the records themselves when `import --source` does not say: PRISMA
//! counts records identified per database, and a reviewer should not have
//! to type what the file already shows.
//!
//! The evidence, strongest first, per record: a database field (RIS `DB`,
//! `DP`), an accession number only one database issues (`WOS:`, Scopus
//! `2-s2.0-`, Dimensions `pub.`), the host of the record's link
//! (`scopus.com`, `lens.org`, EBSCO's `db=` code, Ovid's `D=` code). A
//! link to PubMed is not evidence: Lens and Scholar records carry one as a
//! second link. A name more than half of the first records that say
//! anything give wins; records that disagree (a reference manager's export
//! of several searches) give none. A Web of Science file format says Web of
//! Science when its records say nothing.

use std::collections::HashMap;

use crate::import::Format;
use crate::record::Record;

/// Records looked at: a file is one search's export, so its first records
/// say what all of them are.
const SAMPLE: usize = 50;

/// The database more than half of the first records that name one name,
/// else what the format implies, else `""`.
pub fn guess(records: &[Record], format: Format) -> String {
    let mut votes: HashMap<String, usize> = HashMap::new();
    for r in records.iter().take(SAMPLE) {
        if let Some(name) = of_record(r) {
            *votes.entry(name).or_insert(0) += 1;
        }
    }
    let said: usize = votes.values().sum();
    // A file whose records disagree (a reference manager's export of
    // several searches) names no one database: `--source` says it.
    let voted = votes
        .into_iter()
        .find(|(_, n)| 2 * n > said)
        .map(|(name, _)| name);
    voted.unwrap_or_else(|| match format {
        Format::Wos => "Web of Science".into(),
        _ => String::new(),
    })
}

/// What one record says of its database, if anything.
pub fn of_record(r: &Record) -> Option<String> {
    let field = |tags: &[&str]| {
        r.extra
            .iter()
            .find(|f| tags.contains(&f.tag.as_str()) && !f.value.trim().is_empty())
            .map(|f| f.value.trim())
    };
    if let Some(db) = field(&["DB"]) {
        let on_ebsco = field(&["DP"]).is_some_and(|dp| dp.contains("EBSCO"));
        if on_ebsco && ebsco_code(db).is_none() && db.len() <= 6 && !db.contains(' ') {
            // A code of EBSCO's not in the table: still one database.
            return Some(format!("EBSCO ({db})"));
        }
        return Some(named(db));
    }
    for f in &r.extra {
        if matches!(f.tag.as_str(), "UT" | "AN" | "EID" | "Accession Number") {
            if let Some(name) = by_accession(f.value.trim()) {
                return Some(name.into());
            }
        }
    }
    if let Some(name) = r.extra.iter().find_map(|f| by_column(&f.tag)) {
        return Some(name.into());
    }
    let links = std::iter::once(r.url.as_str()).chain(
        r.extra
            .iter()
            .map(|f| f.value.trim_start())
            .filter(|v| v.starts_with("http")),
    );
    for link in links {
        if let Some(name) = by_link(link) {
            return Some(name);
        }
    }
    // PubMed's own MEDLINE records carry an `OWN` field; a data provider
    // field (`DP - EBSCOhost`) names a platform, which is better than
    // nothing.
    if !r.pmid.is_empty() && r.extra.iter().any(|f| f.tag == "OWN") {
        return Some("PubMed".into());
    }
    field(&["DP"]).map(named)
}

/// A database field's value as reviewers write it in PRISMA: EBSCO's
/// short codes spelt out, Ovid's segment dates (`<2019>`) dropped.
fn named(value: &str) -> String {
    if let Some(name) = ebsco_code(value) {
        return name.into();
    }
    if value == "NLM" {
        return "PubMed".into();
    }
    let cut = value.find(" <").map_or(value, |i| &value[..i]);
    cut.trim().to_string()
}

fn by_accession(id: &str) -> Option<&'static str> {
    let id = id.to_ascii_uppercase();
    if id.starts_with("WOS:") || id.starts_with("ISI:") {
        Some("Web of Science")
    } else if id.starts_with("2-S2.0-") {
        Some("Scopus")
    } else if id.starts_with("PUB.") && id[4..].bytes().all(|b| b.is_ascii_digit()) {
        Some("Dimensions")
    } else {
        None
    }
}

/// Columns only one database's CSV export has.
fn by_column(name: &str) -> Option<&'static str> {
    if name == "Lens ID" {
        Some("Lens")
    } else if name.starts_with("Emtree ") {
        Some("Embase")
    } else if name == "NIHMS ID" {
        Some("PubMed")
    } else {
        None
    }
}

fn by_link(link: &str) -> Option<String> {
    let l = link.to_ascii_lowercase();
    let hosts = [
        ("scopus.com", "Scopus"),
        ("webofscience.com", "Web of Science"),
        ("webofknowledge.com", "Web of Science"),
        ("isiknowledge.com", "Web of Science"),
        ("lens.org", "Lens"),
        ("app.dimensions.ai", "Dimensions"),
        ("openalex.org", "OpenAlex"),
        ("ieeexplore.ieee.org", "IEEE Xplore"),
        ("embase.com", "Embase"),
        ("cochranelibrary.com", "Cochrane Library"),
    ];
    if let Some((_, name)) = hosts.iter().find(|(host, _)| l.contains(host)) {
        return Some((*name).into());
    }
    if l.contains("ebscohost.com") {
        let code = query_value(&l, "db=")?;
        return Some(ebsco_code(code).map_or_else(|| format!("EBSCO ({code})"), str::to_string));
    }
    if l.contains("ovid.com") {
        let segment = query_value(&l, "d=")?;
        let name = [
            ("med", "Ovid MEDLINE(R)"),
            ("pmnm", "Ovid MEDLINE(R)"),
            ("prem", "Ovid MEDLINE(R)"),
            ("psyc", "APA PsycInfo (Ovid)"),
            ("emed", "Embase (Ovid)"),
            ("emez", "Embase (Ovid)"),
            ("caba", "CAB Abstracts (Ovid)"),
        ]
        .iter()
        .find(|(prefix, _)| segment.starts_with(prefix))
        .map_or_else(|| format!("Ovid ({segment})"), |(_, n)| (*n).to_string());
        return Some(name);
    }
    None
}

/// The value of `name` (`db=`) in a link's query, lowercased.
fn query_value<'a>(link: &'a str, name: &str) -> Option<&'a str> {
    let at = link
        .match_indices(name)
        .find(|(i, _)| *i > 0 && matches!(link.as_bytes()[i - 1], b'?' | b'&'))?
        .0;
    let value = &link[at + name.len()..];
    let end = value.find(['&', '#', ' ']).unwrap_or(value.len());
    Some(&value[..end]).filter(|v| !v.is_empty())
}

/// EBSCO's database codes (the `db=` of its links, the `DB` of its RIS),
/// those whose names are certain.
fn ebsco_code(code: &str) -> Option<&'static str> {
    Some(match code.to_ascii_lowercase().as_str() {
        "rzh" | "ccm" => "CINAHL",
        "psyh" => "APA PsycInfo",
        "pdh" => "APA PsycArticles",
        "cmedm" | "mdc" | "mnh" => "MEDLINE",
        "aph" => "Academic Search Premier",
        "a9h" => "Academic Search Complete",
        "bth" => "Business Source Complete",
        "ecn" => "EconLit",
        "eric" => "ERIC",
        "sph" | "s3h" => "SPORTDiscus",
        "8gh" => "GreenFILE",
        "lxh" => "Library, Information Science & Technology Abstracts",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Field;

    fn record(url: &str, extra: &[(&str, &str)]) -> Record {
        Record {
            url: url.into(),
            extra: extra
                .iter()
                .map(|(t, v)| Field {
                    tag: (*t).into(),
                    value: (*v).into(),
                })
                .collect(),
            ..Record::default()
        }
    }

    #[test]
    fn each_kind_of_evidence() {
        let cases = [
            (record("", &[("DB", "Scopus")]), "Scopus"),
            (
                record("", &[("DB", "Ovid MEDLINE(R) <2019>")]),
                "Ovid MEDLINE(R)",
            ),
            (record("", &[("DB", "psyh")]), "APA PsycInfo"),
            (
                record("", &[("AN", "WOS:000929612800001")]),
                "Web of Science",
            ),
            (record("", &[("UT", "ISI:000232")]), "Web of Science"),
            (record("", &[("AN", "pub.1173875765")]), "Dimensions"),
            (
                record("https://www.scopus.com/inward/record.uri?eid=2-s2.0-1", &[]),
                "Scopus",
            ),
            (record("https://lens.org/123-456", &[]), "Lens"),
            (
                record(
                    "http://search.ebscohost.com/login.aspx?direct=true&db=8gh&AN=1",
                    &[],
                ),
                "GreenFILE",
            ),
            (
                record(
                    "http://search.ebscohost.com/login.aspx?direct=true&db=egh&AN=1",
                    &[],
                ),
                "EBSCO (egh)",
            ),
            (
                record(
                    "http://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=psyc11&NEWS=N",
                    &[],
                ),
                "APA PsycInfo (Ovid)",
            ),
            (record("", &[("DP", "NLM")]), "PubMed"),
            (
                record("", &[("DB", "egh"), ("DP", "EBSCOhost")]),
                "EBSCO (egh)",
            ),
        ];
        for (r, want) in cases {
            assert_eq!(of_record(&r).as_deref(), Some(want), "{r:?}");
        }
    }

    #[test]
    fn a_pubmed_link_or_nothing_is_no_evidence() {
        assert_eq!(
            of_record(&record("https://pubmed.ncbi.nlm.nih.gov/1/", &[])),
            None
        );
        assert_eq!(of_record(&record("https://doi.org/10.1/x", &[])), None);
        // `xdb=` is not `db=`.
        assert_eq!(
            of_record(&record(
                "http://search.ebscohost.com/login.aspx?xdb=psyh",
                &[]
            )),
            None
        );
    }

    #[test]
    fn most_records_win_and_the_wos_format_is_a_default() {
        let lens = record("https://lens.org/1", &[]);
        let pubmed = record("https://pubmed.ncbi.nlm.nih.gov/1/", &[]);
        let scopus = record("", &[("DB", "Scopus")]);
        let records = [lens.clone(), scopus.clone(), lens.clone(), pubmed.clone()];
        assert_eq!(guess(&records, Format::Ris), "Lens");
        // Two and two: a mixed file, no name.
        let records = [lens.clone(), scopus.clone(), lens, scopus];
        assert_eq!(guess(&records, Format::Ris), "");
        assert_eq!(
            guess(std::slice::from_ref(&pubmed), Format::Wos),
            "Web of Science"
        );
        assert_eq!(guess(&[pubmed], Format::Ris), "");
    }
}
