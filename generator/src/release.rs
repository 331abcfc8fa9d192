//! Releases of a generated crate: the public API last released, recorded beside the crate, and
//! the version and changelog entry a regeneration needs (`generate --bump`).
//!
//! `released-api.json` (in the crate's folder, written by sdkforge, committed with the crate):
//!
//! ```json
//! {
//!   "format": 1,
//!   "version": "0.2.0",
//!   "items": {
//!     "client.pos().logout()": ["fn() -> Result<types::PosLogoutResponse, Error<errors::PosLogoutError>>", "1f0c5a9e2b7d44e4"]
//!   }
//! }
//! ```
//!
//! `version` is the version last released, and the generated `Cargo.toml` carries it; `items` is
//! that release's public API as [`crate::semver::surface`] flattens it, one item a line: its
//! signature and a 64-bit FNV-1a hash of its docs (a change is seen, the text is not stored). The first generation records the API as the
//! configured `crate-version`. A later one compares the API with the record: `generate --bump`
//! writes the next version, a `CHANGELOG.md` entry (Keep a Changelog) and a new record; a plain
//! `generate` keeps the record, so `check` fails until the changes are released.

use crate::semver::{self, Bump, Item, Kind, Report, Surface};
use crate::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::Path;

/// The record's file name, in the crate's folder.
pub const RECORD: &str = "released-api.json";
/// The changelog's file name, in the crate's folder.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// What the output folder says about the last release, and what this generation does about it.
#[derive(Debug, Clone)]
pub struct Release {
    /// The crate's version for this generation.
    pub version: String,
    /// The changes since the last release that no release covers yet (a plain `generate` after
    /// the document changed); `None` when the record is current.
    pub pending: Option<Report>,
    /// The release this generation made (`--bump` with changes).
    pub released: Option<Report>,
    record: String,
    changelog: Option<String>,
}

impl Release {
    /// Adds the record and the changelog to the generated files.
    pub fn add_to(&self, files: &mut crate::write::OutputSpace) {
        files.insert(RECORD, self.record.clone());
        if let Some(c) = &self.changelog {
            files.insert(CHANGELOG, c.clone());
        }
    }
}

#[derive(serde::Deserialize)]
struct RecordFile {
    format: u32,
    version: String,
    /// Item → `[signature, docs hash]`.
    items: BTreeMap<String, (String, String)>,
}

/// The record, one item a line (diffs of the file read as diffs of the API).
fn record_text(version: &str, surface: &Surface) -> String {
    let q = |t: &str| serde_json::to_string(t).unwrap_or_default();
    let mut text = format!("{{\n  \"format\": 1,\n  \"version\": {},\n  \"items\": {{\n", q(version));
    let last = surface.len().saturating_sub(1);
    for (i, (k, v)) in surface.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        text.push_str(&format!("    {}: [{}, {}]{comma}\n", q(k), q(&v.signature), q(&v.doc)));
    }
    text.push_str("  }\n}\n");
    text
}

/// The version on the record's third line, as [`record_text`] writes it.
fn recorded_version(text: &str) -> Option<String> {
    let line = text.lines().nth(2)?.trim().strip_prefix("\"version\": ")?.strip_suffix(',')?;
    serde_json::from_str(line).ok()
}

/// The record's text, when there is one.
fn read_record(out: &Path) -> Result<Option<String>, Diagnostic> {
    let path = out.join(RECORD);
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Diagnostic::error(format!("cannot read {}: {e}", path.display()))),
    }
}

/// The version and API a record holds.
fn parse_record(out: &Path, text: &str) -> Result<(String, Surface), Diagnostic> {
    let path = out.join(RECORD);
    let file: RecordFile = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(format!("{}: not a release record sdkforge can read: {e}", path.display()))
            .help("restore it from version control (it records the last released API), or delete it to record the current API as released")
    })?;
    if file.format != 1 {
        return Err(Diagnostic::error(format!("{}: release record format {} is newer than this sdkforge reads (1)", path.display(), file.format)));
    }
    let surface = file.items.into_iter().map(|(k, (signature, doc))| (k, Item { signature, doc })).collect();
    Ok((file.version, surface))
}

/// Decides the version, record and changelog of a generation of `api` into `out`; sets
/// `api.crate_version`. `date` (`YYYY-MM-DD`) heads a new changelog entry.
pub fn prepare(api: &mut crate::ir::Api, out: &Path, bump: bool, date: &str) -> Result<Release, Diagnostics> {
    let current = semver::surface(api);
    let existing_changelog = std::fs::read_to_string(out.join(CHANGELOG)).ok();
    let Some(on_disk) = read_record(out)? else {
        // First generation: what is generated now is the release of the configured version.
        return Ok(Release { version: api.crate_version.clone(), pending: None, released: None, record: record_text(&api.crate_version, &current), changelog: existing_changelog });
    };
    // The common case, a regeneration that changes no public item: the record on disk is the
    // one this API would write, and need not be parsed.
    if let Some(version) = recorded_version(&on_disk) {
        let text = record_text(&version, &current);
        if text == on_disk {
            api.crate_version = version.clone();
            return Ok(Release { version, pending: None, released: None, record: text, changelog: existing_changelog });
        }
    }
    let (version, released) = parse_record(out, &on_disk)?;
    let report = semver::compare(&released, &current, &version);
    if report.changes.is_empty() {
        api.crate_version = version.clone();
        return Ok(Release { version: version.clone(), pending: None, released: None, record: record_text(&version, &current), changelog: existing_changelog });
    }
    if !bump {
        // The record stays: the changes are not released yet.
        api.crate_version = version.clone();
        return Ok(Release { version, pending: Some(report), released: None, record: on_disk, changelog: existing_changelog });
    }
    let next = report.next_version.clone();
    api.crate_version = next.clone();
    let mut entry = changelog_entry(&report, date);
    // Where the release comes from, under its heading.
    if let Some(at) = entry.find('\n') {
        entry.insert_str(at + 1, &format!("\nGenerated from `{}` (API version {}).\n", api.source_name, api.info.version));
    }
    let changelog = match existing_changelog {
        Some(old) => insert_entry(&old, &entry),
        None => format!("# Changelog\n\nAll notable changes to this crate. The format is [Keep a Changelog](https://keepachangelog.com/en/1.1.0/);\nversions follow [Semantic Versioning](https://semver.org/) as Cargo reads it. Entries are written by\n`sdkforge generate --bump` from the changes to the public API.\n\n{entry}"),
    };
    Ok(Release { version: next.clone(), pending: None, released: Some(report), record: record_text(&next, &current), changelog: Some(changelog) })
}

/// Puts a new entry above the first existing one (after the file's introduction).
fn insert_entry(old: &str, entry: &str) -> String {
    match old.find("\n## ") {
        Some(i) => format!("{}{entry}{}", &old[..=i], &old[i + 1..]),
        None => format!("{}\n\n{entry}", old.trim_end()),
    }
}

/// The Keep a Changelog entry of a release.
pub fn changelog_entry(report: &Report, date: &str) -> String {
    // An item whose parent was added or removed in the same release is part of that line.
    let whole: Vec<&str> = report.changes.iter().filter(|c| c.message.starts_with("added") || c.message.starts_with("removed")).map(|c| c.item.as_str()).collect();
    let covered = |item: &str| whole.iter().any(|p| *p != item && (item.starts_with(&format!("{p}::")) || item.starts_with(&format!("{p}."))));
    let mut removed = Vec::new();
    let mut changed = Vec::new();
    let mut added = Vec::new();
    let mut docs = Vec::new();
    for c in &report.changes {
        if covered(&c.item) {
            continue;
        }
        match c.kind {
            Kind::Breaking if c.message.starts_with("removed") => removed.push(format!("- `{}`", c.item)),
            Kind::Breaking => changed.push(format!("- `{}`: {}", c.item, c.message.trim_start_matches("changed "))),
            Kind::Additive => added.push(format!("- `{}`", c.item)),
            Kind::Docs => docs.push(format!("`{}`", c.item)),
        }
    }
    let mut text = format!("## [{}] - {date}\n", report.next_version);
    if report.bump != Bump::None && report.is_breaking() {
        text.push_str(&format!("\nThis release breaks code written against {}.\n", report.current_version));
    }
    let mut section = |title: &str, lines: &[String]| {
        if !lines.is_empty() {
            text.push_str(&format!("\n### {title}\n\n{}\n", lines.join("\n")));
        }
    };
    section("Added", &added);
    section("Changed (breaking)", &changed);
    section("Removed (breaking)", &removed);
    if !docs.is_empty() {
        section("Documentation", &[format!("- Updated: {}", docs.join(", "))]);
    }
    text.push('\n');
    text
}

/// Today's date in UTC (`YYYY-MM-DD`), or that of `SOURCE_DATE_EPOCH` when set (reproducible
/// releases).
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64));
    civil_date(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian calendar).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semver::Change;

    #[test]
    fn the_record_is_one_item_a_line_and_reads_back() {
        let surface: Surface = [
            ("client.a()".to_string(), Item { signature: "fn() -> Result<(), Error<errors::AError>>".into(), doc: semver::doc_hash("Gets \"a\".") }),
            ("types::B::c".to_string(), Item { signature: "Option<String>".into(), doc: String::new() }),
        ]
        .into();
        let text = record_text("0.3.0", &surface);
        assert_eq!(
            text,
            format!("{{\n  \"format\": 1,\n  \"version\": \"0.3.0\",\n  \"items\": {{\n    \"client.a()\": [\"fn() -> Result<(), Error<errors::AError>>\", \"{}\"],\n    \"types::B::c\": [\"Option<String>\", \"\"]\n  }}\n}}\n", semver::doc_hash("Gets \"a\"."))
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(RECORD), &text).unwrap();
        let read = read_record(dir.path()).unwrap().map(|t| parse_record(dir.path(), &t).unwrap());
        assert_eq!(read, Some(("0.3.0".to_string(), surface)));
        assert_eq!(read_record(&dir.path().join("none")).unwrap(), None);
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_790), "2026-12-03");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn entries_group_changes_and_fold_members_into_their_parent() {
        let change = |kind, item: &str, message: &str| Change { kind, item: item.into(), message: message.into() };
        let report = Report {
            bump: Bump::Minor,
            current_version: "0.1.0".into(),
            next_version: "0.2.0".into(),
            changes: vec![
                change(Kind::Breaking, "client.pets().get()", "changed from `fn(id: String)` to `fn(id: i64)`"),
                change(Kind::Breaking, "types::Old", "removed (was `struct`)"),
                change(Kind::Breaking, "types::Old::a", "removed (was `String`)"),
                change(Kind::Additive, "types::New", "added (`struct`)"),
                change(Kind::Additive, "types::New::new()", "added (`fn()`)"),
                change(Kind::Docs, "types::Pet", "documentation changed"),
            ],
        };
        let entry = changelog_entry(&report, "2026-12-03");
        assert_eq!(
            entry,
            "## [0.2.0] - 2026-12-03\n\nThis release breaks code written against 0.1.0.\n\n### Added\n\n- `types::New`\n\n### Changed (breaking)\n\n- `client.pets().get()`: from `fn(id: String)` to `fn(id: i64)`\n\n### Removed (breaking)\n\n- `types::Old`\n\n### Documentation\n\n- Updated: `types::Pet`\n\n"
        );
        let log = "# Changelog\n\nIntro.\n\n## [0.1.0] - 2026-01-01\n\n- first\n";
        assert_eq!(insert_entry(log, "## [0.2.0] - x\n\n"), "# Changelog\n\nIntro.\n\n## [0.2.0] - x\n\n## [0.1.0] - 2026-01-01\n\n- first\n");
    }
}
