//! The report of `xtask guru --compile`, made from the record of every selected document (this
//! run's and earlier runs').

use super::PACKAGE;
use super::compile::RunStats;
use super::record::{Record, Status};
use crate::common::text::{error_class_without, shorten};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// What the report says besides the records.
pub struct Summary<'a> {
    /// Documents selected (by `--filter` and `--limit`); records may be missing for some when
    /// the run was interrupted.
    pub selected: usize,
    pub checker: &'a str,
    pub stats: &'a RunStats,
    pub wall: Duration,
    pub max_crate_mb: u64,
    pub batch_timeout: u64,
    pub record: &'a Path,
}

/// Examples listed per class.
const EXAMPLES: usize = 2;

/// How many documents make the exit code 1: generator panics and timeouts, crates that fail to
/// compile or were cut off by the time limit, and (under clippy, which denies warnings) crates
/// with warnings.
pub fn failing(rows: &[&Record], clippy: bool) -> usize {
    rows.iter()
        .filter(|r| match r.status {
            Status::Panic | Status::GenTimeout | Status::Failed | Status::CheckTimeout => true,
            Status::Warnings => clippy,
            Status::Clean | Status::TooLarge | Status::Refused => false,
        })
        .count()
}

/// The class of a record's first error (or first warning): its message normalised, the crate's
/// own name hidden.
pub fn class(record: &Record, line: &str) -> String {
    let names: Vec<&str> = record.crate_name.as_deref().into_iter().collect();
    // The generator's diagnostics start `error: <document>:<line>:<col>: `: the place goes.
    let line = match line.strip_prefix("error: ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, message)| message),
        None => line,
    };
    error_class_without(line, &names)
}

pub fn markdown(rows: &[&Record], summary: &Summary<'_>) -> String {
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let documents = summary.selected;
    let generated = rows.iter().filter(|r| !r.status.is_generation_failure()).count();
    let clean = count(Status::Clean);
    let pct = |n: usize| if documents == 0 { "—".to_string() } else { format!("{:.1}%", 100.0 * n as f64 / documents as f64) };
    let mut s = format!("## APIs.guru collection ({PACKAGE}): generated and compile-checked\n\n");
    let _ = writeln!(s, "Checked with `{}`, in batches sharing one target dir.\n", summary.checker);
    s.push_str("| outcome | documents | of the collection |\n|---|---:|---:|\n");
    let mut row = |label: &str, n: usize| {
        let _ = writeln!(s, "| {label} | {n} | {} |", pct(n));
    };
    row("documents", documents);
    row("generated", generated);
    row("— compiled clean (no warning)", clean);
    row("— compiled with warnings", count(Status::Warnings));
    row("— failed to compile", count(Status::Failed));
    row(&format!("— skipped (too large, > {} MB)", summary.max_crate_mb), count(Status::TooLarge));
    row(&format!("— check cut off (batch > {} s)", summary.batch_timeout), count(Status::CheckTimeout));
    row("refused by the generator (diagnostic)", count(Status::Refused));
    row("generator panic or crash", count(Status::Panic));
    row("generator timeout", count(Status::GenTimeout));
    if rows.len() < documents {
        row("not done yet (interrupted run)", documents - rows.len());
    }
    let checked = count(Status::Clean) + count(Status::Warnings) + count(Status::Failed);
    let _ = writeln!(
        s,
        "\n**{clean} of {documents} documents ({}) generate and compile with no warning** ({} of the generated crates, {} of those checked).\n",
        pct(clean),
        ratio(clean, generated),
        ratio(clean, checked)
    );
    timing(&mut s, rows, summary);
    classes(&mut s, rows, Status::Failed, "Compile failures by class (first error of each crate)", |r| r.first_error.as_deref());
    classes(&mut s, rows, Status::Warnings, "Warnings by class (first warning of each crate that compiled)", |r| r.first_warning.as_deref());
    classes(&mut s, rows, Status::Refused, "Refusals by class (the generator's first error)", |r| r.first_error.as_deref());
    listed(&mut s, rows, Status::Panic, "Generator panics");
    listed(&mut s, rows, Status::GenTimeout, "Generator timeouts");
    listed(&mut s, rows, Status::CheckTimeout, "Crates cut off by the batch time limit");
    listed(&mut s, rows, Status::TooLarge, "Crates not checked: too large");
    slowest(&mut s, rows);
    s
}

fn ratio(n: usize, of: usize) -> String {
    if of == 0 { "—".to_string() } else { format!("{:.1}%", 100.0 * n as f64 / of as f64) }
}

fn timing(s: &mut String, rows: &[&Record], summary: &Summary<'_>) {
    let stats = summary.stats;
    let _ = writeln!(
        s,
        "Wall time of this run: {:.0} s. {} documents were generated in it, {} results came from earlier runs ({}), {} crates generated again had the files of a recorded check.",
        summary.wall.as_secs_f64(),
        stats.generated_now,
        stats.reused,
        summary.record.display(),
        stats.same_files
    );
    if !stats.batches.is_empty() {
        let crates: usize = stats.batches.iter().map(|b| b.0).sum();
        let seconds: f64 = stats.batches.iter().map(|b| b.1).sum();
        let cut = stats.batches.iter().filter(|b| b.2).count();
        let _ = writeln!(
            s,
            "Checking: {} batches, {crates} crates, {seconds:.0} s of wall time ({:.1} s per crate{}).",
            stats.batches.len(),
            seconds / crates.max(1) as f64,
            if cut > 0 { format!("; {cut} batches cut off by the time limit") } else { String::new() }
        );
    }
    let gen_total: f64 = rows.iter().map(|r| r.gen_seconds).sum();
    let check_total: f64 = rows.iter().filter_map(|r| r.check_seconds).sum();
    let timed = rows.iter().filter(|r| r.check_seconds.is_some()).count();
    let _ = writeln!(
        s,
        "Over all recorded documents: generation {gen_total:.0} s of process time in all ({:.2} s per document); the compiler {check_total:.0} s on {timed} crates ({:.1} s per crate, cargo's timings, the dependencies apart).",
        gen_total / rows.len().max(1) as f64,
        check_total / timed.max(1) as f64
    );
}

fn classes(s: &mut String, rows: &[&Record], status: Status, title: &str, line: impl Fn(&Record) -> Option<&str>) {
    let mut groups: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.status == status) {
        let text = line(r).unwrap_or("(no message)");
        groups.entry(class(r, text)).or_default().push((&r.document, text));
    }
    if groups.is_empty() {
        return;
    }
    let mut groups: Vec<(String, Vec<(&str, &str)>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let total: usize = groups.iter().map(|g| g.1.len()).sum();
    let _ = writeln!(s, "\n### {title}: {total} documents, {} classes\n", groups.len());
    s.push_str("| class | documents | examples |\n|---|---:|---|\n");
    for (class, docs) in &groups {
        let examples: Vec<String> =
            docs.iter().take(EXAMPLES).map(|(d, text)| format!("`{d}`: {}", cell(&shorten(text, 240)))).collect();
        let _ = writeln!(s, "| {} | {} | {} |", cell(&shorten(class, 200)), docs.len(), examples.join("<br>"));
    }
}

fn listed(s: &mut String, rows: &[&Record], status: Status, title: &str) {
    let these: Vec<&&Record> = rows.iter().filter(|r| r.status == status).collect();
    if these.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n### {title}: {}\n", these.len());
    for r in these {
        let size = r.crate_bytes.map(|b| format!(" ({:.0} MB of Rust)", b as f64 / f64::from(1 << 20))).unwrap_or_default();
        let why = r.first_error.as_deref().map(|e| format!(": {}", shorten(e, 300))).unwrap_or_default();
        let _ = writeln!(s, "- `{}`{size}{why}", r.document);
    }
}

fn slowest(s: &mut String, rows: &[&Record]) {
    let mut timed: Vec<&&Record> = rows.iter().filter(|r| r.check_seconds.is_some()).collect();
    if timed.is_empty() {
        return;
    }
    timed.sort_by(|a, b| b.check_seconds.partial_cmp(&a.check_seconds).unwrap_or(std::cmp::Ordering::Equal));
    s.push_str("\n### Slowest crates to check\n\n| document | check s | generate s | MB of Rust | outcome |\n|---|---:|---:|---:|---|\n");
    for r in timed.iter().take(10) {
        let _ = writeln!(
            s,
            "| `{}` | {:.1} | {:.2} | {:.1} | {:?} |",
            r.document,
            r.check_seconds.unwrap_or(0.0),
            r.gen_seconds,
            r.crate_bytes.unwrap_or(0) as f64 / f64::from(1 << 20),
            r.status
        );
    }
}

fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(document: &str, status: Status, first_error: Option<&str>) -> Record {
        Record {
            document: document.into(),
            input: "i".into(),
            checker: "c".into(),
            status,
            crate_name: Some(format!("guru-{}", document.trim_end_matches(".json"))),
            crate_hash: None,
            crate_bytes: Some(3 << 20),
            gen_seconds: 0.5,
            check_seconds: Some(4.0),
            errors: usize::from(first_error.is_some()),
            warnings: 0,
            first_error: first_error.map(str::to_string),
            first_warning: None,
        }
    }

    #[test]
    fn errors_of_one_kind_are_one_class() {
        let a = record("a.json", Status::Failed, Some("[E0412] cannot find type `Foo` in module `types` at src/client.rs:12"));
        let b = record("b.json", Status::Failed, Some("[E0412] cannot find type `Bar` in module `types` at src/lib.rs:7"));
        let line = |r: &Record| r.first_error.clone().unwrap();
        assert_eq!(class(&a, &line(&a)), "[E0412] cannot find type `…` in module `…` at <path>");
        assert_eq!(class(&a, &line(&a)), class(&b, &line(&b)));
        let refused = record("c.json", Status::Refused, Some("error: c.json:3:4: `$ref` target `#/x` does not exist"));
        assert_eq!(class(&refused, &line(&refused)), "`…` target `…` does not exist");
        let named = record("d.json", Status::Failed, Some("cargo cannot load the crate: package guru-d has no lib"));
        assert_eq!(class(&named, &line(&named)), "cargo cannot load the crate: package <crate> has no lib");
    }

    #[test]
    fn the_report_counts_groups_and_gives_examples() {
        let rows = [
            record("a.json", Status::Clean, None),
            record("b.json", Status::Failed, Some("[E0412] cannot find type `Foo` in this scope at src/types.rs:3")),
            record("c.json", Status::Failed, Some("[E0412] cannot find type `Bar` in this scope at src/types.rs:9")),
            record("d.json", Status::Failed, Some("[E0412] cannot find type `Baz` in this scope at src/types.rs:1")),
            record("e.json", Status::TooLarge, None),
            record("f.json", Status::Panic, Some("thread 'main' panicked at x")),
        ];
        let refs: Vec<&Record> = rows.iter().collect();
        let stats = RunStats::default();
        let summary = Summary {
            selected: 7,
            checker: "cargo clippy",
            stats: &stats,
            wall: Duration::from_secs(5),
            max_crate_mb: 20,
            batch_timeout: 60,
            record: Path::new("r.jsonl"),
        };
        let text = markdown(&refs, &summary);
        assert!(text.contains("| generated | 5 | 71.4% |\n"), "{text}");
        assert!(text.contains("| — compiled clean (no warning) | 1 | 14.3% |\n"), "{text}");
        assert!(text.contains("| — skipped (too large, > 20 MB) | 1 | 14.3% |\n"), "{text}");
        assert!(text.contains("| not done yet (interrupted run) | 1 | 14.3% |\n"), "{text}");
        assert!(text.contains("**1 of 7 documents (14.3%) generate and compile with no warning**"), "{text}");
        assert!(text.contains("| [E0412] cannot find type `…` in this scope at <path> | 3 | `b.json`: [E0412] cannot find type `Foo` in this scope at src/types.rs:3<br>`c.json`: "), "{text}");
        assert!(!text.contains("`d.json`: [E0412]"), "two examples per class: {text}");
        assert!(text.contains("### Generator panics: 1\n\n- `f.json` (3 MB of Rust): thread 'main' panicked at x\n"), "{text}");
        assert_eq!(failing(&refs, true), 4);
    }
}
