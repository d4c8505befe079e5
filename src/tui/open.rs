//! Opening a record's full text: its local PDF (RIS `L1`, a `file` field),
//! else its DOI, else its URL, with the system opener (`xdg-open`, `open`,
//! `start`; `SCREENER_OPENER` names another). `target` is pure and used by
//! `App`; `carry_out` does the I/O and is called by `tui::run`.

use std::path::{Path, PathBuf};

use crate::record::Record;

/// What could be opened for a record, best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenTarget {
    /// Local files as the record gives them (absolute, relative to the
    /// project, or `file://` URLs).
    pub files: Vec<String>,
    pub urls: Vec<String>,
}

impl OpenTarget {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.urls.is_empty()
    }

    /// What is opened without asking: PDFs and web links. Any other file
    /// (`/etc/passwd`, `../../x.desktop`) may be something the system
    /// opener runs, so the screen asks before handing it over.
    pub fn safe(&self) -> OpenTarget {
        OpenTarget {
            files: self.files.iter().filter(|f| is_pdf(f)).cloned().collect(),
            urls: self.urls.clone(),
        }
    }
}

/// A file reference naming a PDF (by its extension, in any case).
pub fn is_pdf(file: &str) -> bool {
    Path::new(file)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// The record's files and links. RIS `L1` is "file attachments"; BibTeX
/// `file` fields (Zotero, JabRef, Mendeley) look like
/// `Description:path/to.pdf:application/pdf`, several joined by `;`.
pub fn target(r: &Record) -> OpenTarget {
    let mut t = OpenTarget::default();
    for f in &r.extra {
        let tag = f.tag.to_ascii_lowercase();
        let value = f.value.trim();
        if value.is_empty() {
            continue;
        }
        match tag.as_str() {
            "l1" | "pdf" => t.files.push(value.to_string()),
            "file" => {
                for part in value.split(';') {
                    let pieces: Vec<&str> = part.split(':').collect();
                    // `desc:path:mime`, but a Windows path has its own colon.
                    let path = if pieces.len() >= 3 {
                        pieces[1..pieces.len() - 1].join(":")
                    } else {
                        part.to_string()
                    };
                    if !path.trim().is_empty() {
                        t.files.push(path.trim().to_string());
                    }
                }
            }
            "ur" | "l2" | "url" | "lk" if is_web(value) => t.urls.push(value.to_string()),
            _ => {}
        }
    }
    if let Some(doi) = crate::text::normalize_doi(&r.doi) {
        t.urls.insert(0, format!("https://doi.org/{doi}"));
    }
    if is_web(r.url.trim()) && !t.urls.iter().any(|u| u == r.url.trim()) {
        t.urls.push(r.url.trim().to_string());
    }
    // A file given as a web link is a link.
    let (web, local): (Vec<String>, Vec<String>) = t.files.into_iter().partition(|f| is_web(f));
    t.files = local;
    t.urls.extend(web);
    t
}

fn is_web(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// A file reference as a path: `file://` URLs decoded, relative paths
/// taken from the project's folder.
pub fn local_path(file: &str, project_dir: &Path) -> PathBuf {
    let path = match file.strip_prefix("file://") {
        Some(rest) => percent_decode(rest.strip_prefix("localhost").unwrap_or(rest)),
        None => file.to_string(),
    };
    let p = PathBuf::from(path);
    if p.is_absolute() {
        p
    } else {
        project_dir.join(p)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The opener to use: `SCREENER_OPENER`, else the platform's.
fn opener() -> Vec<String> {
    if let Some(o) = std::env::var_os("SCREENER_OPENER").filter(|o| !o.is_empty()) {
        return vec![o.to_string_lossy().into_owned()];
    }
    if cfg!(target_os = "macos") {
        vec!["open".into()]
    } else if cfg!(windows) {
        vec!["cmd".into(), "/C".into(), "start".into(), String::new()]
    } else {
        vec!["xdg-open".into()]
    }
}

fn on_path(program: &str) -> bool {
    let p = Path::new(program);
    if p.components().count() > 1 {
        return p.is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// Opens the best of `t` and says what happened, for the footer.
pub fn carry_out(t: &OpenTarget, project_dir: &Path) -> String {
    let file = t
        .files
        .iter()
        .map(|f| local_path(f, project_dir))
        .find(|p| p.is_file());
    let what = match (&file, t.urls.first()) {
        (Some(p), _) => p.display().to_string(),
        (None, Some(u)) => u.clone(),
        (None, None) => {
            return match t.files.first() {
                Some(f) => format!("Nothing to open: its file {f} is not there"),
                None => "Nothing to open: the record has no PDF, DOI or URL".into(),
            };
        }
    };
    let missing = if file.is_none() && !t.files.is_empty() {
        format!(" (its file {} is not there)", t.files[0])
    } else {
        String::new()
    };
    let cmd = opener();
    if !on_path(&cmd[0]) {
        return format!(
            "No system opener ({}) here{missing}: open {what} yourself",
            cmd[0]
        );
    }
    let mut command = std::process::Command::new(&cmd[0]);
    command
        .args(&cmd[1..])
        .arg(&what)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        Ok(mut child) => {
            // Reaped in the background so it never becomes a zombie.
            std::thread::spawn(move || child.wait());
            format!("Opening {what}{missing}")
        }
        Err(e) => format!("Could not run {} ({e}): open {what} yourself", cmd[0]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Field;

    #[test]
    fn files_then_doi_then_url() {
        let r = Record {
            doi: "https://doi.org/10.1000/XYZ".into(),
            url: "https://example.org/a".into(),
            extra: vec![
                Field {
                    tag: "L1".into(),
                    value: "file:///home/a/My%20Paper.pdf".into(),
                },
                Field {
                    tag: "file".into(),
                    value: "Full Text:files/12/b.pdf:application/pdf;Snap:C:\\x\\s.html:text/html"
                        .into(),
                },
                Field {
                    tag: "L1".into(),
                    value: "https://example.org/c.pdf".into(),
                },
            ],
            ..Record::default()
        };
        let t = target(&r);
        assert_eq!(
            t.files,
            [
                "file:///home/a/My%20Paper.pdf",
                "files/12/b.pdf",
                "C:\\x\\s.html"
            ]
        );
        assert_eq!(
            t.urls,
            [
                "https://doi.org/10.1000/xyz",
                "https://example.org/a",
                "https://example.org/c.pdf"
            ]
        );
        let dir = Path::new("/p");
        assert_eq!(
            local_path(&t.files[0], dir),
            PathBuf::from("/home/a/My Paper.pdf")
        );
        assert_eq!(
            local_path("files/12/b.pdf", dir),
            PathBuf::from("/p/files/12/b.pdf")
        );
        assert!(target(&Record::default()).is_empty());
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%e6%97%a5"), "日");
        assert_eq!(percent_decode("%é%"), "%é%");
    }

    #[test]
    fn says_so_when_there_is_nothing() {
        let msg = carry_out(&OpenTarget::default(), Path::new("."));
        assert!(msg.contains("no PDF, DOI or URL"), "{msg}");
    }
}
