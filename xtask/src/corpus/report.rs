//! The Markdown report: one row per document, totals, and failures grouped by kind.

use super::collect::Document;
use super::generate::{GenResult, GenerateRun, Outcome};
use crate::common::compile::{CompileRun, CrateCheck, Message};
use crate::common::text::{error_class as kind, shorten};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Everything one run found.
#[derive(Debug)]
pub struct Report<'a> {
    /// The documents, in order.
    pub documents: &'a [Document],
    /// Their generation, in the same order.
    pub generated: &'a GenerateRun,
    /// The compile check, unless `--no-compile`.
    pub compiled: Option<&'a CompileRun>,
    /// How many files were skipped as not OpenAPI documents.
    pub skipped_not_openapi: usize,
}

/// How many examples each kind of failure lists.
const EXAMPLES: usize = 3;

impl Report<'_> {
    fn rows(&self) -> impl Iterator<Item = (&Document, &GenResult, Option<&CrateCheck>)> {
        self.documents.iter().zip(&self.generated.results).map(|(d, g)| {
            let check = if g.is_ok() { self.compiled.and_then(|c| c.crates.get(&d.slug)) } else { None };
            (d, g, check)
        })
    }

    fn panics(&self) -> usize {
        self.generated.results.iter().filter(|g| matches!(g.outcome, Outcome::Panicked { .. })).count()
    }

    /// Whether nothing panicked and every generated crate compiled clean (when compiled).
    pub fn success(&self) -> bool {
        if self.panics() > 0 {
            return false;
        }
        match self.compiled {
            None => true,
            Some(_) => self.rows().filter(|(_, g, _)| g.is_ok()).all(|(_, _, c)| c.is_some_and(CrateCheck::clean)),
        }
    }

    /// The whole report.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        self.table(&mut s);
        self.totals(&mut s);
        self.failures(&mut s);
        s
    }

    fn table(&self, s: &mut String) {
        s.push_str("| document | generated | warnings (gen) | compiled | rustc/clippy warnings | first error |\n");
        s.push_str("|---|---|---:|---|---:|---|\n");
        for (doc, gen_result, check) in self.rows() {
            let secs = gen_result.elapsed.as_secs_f64();
            let (generated, first_error) = match &gen_result.outcome {
                Outcome::Generated { .. } => (format!("ok ({secs:.2} s)"), None),
                Outcome::Rejected { first_error, errors } => (format!("error ×{errors}"), Some(first_error.clone())),
                Outcome::Panicked { message } => ("**PANIC**".to_string(), Some(message.clone())),
            };
            let (compiled, lints, first_error) = match (gen_result.is_ok(), self.compiled, check) {
                (false, _, _) => ("—".to_string(), "—".to_string(), first_error),
                (true, None, _) => ("not checked".to_string(), "—".to_string(), None),
                (true, Some(_), None) => ("FAILED".to_string(), "—".to_string(), Some("not compile-checked".to_string())),
                (true, Some(_), Some(c)) => {
                    let compiled = if !c.errors.is_empty() {
                        format!("FAILED ({} errors)", c.errors.len())
                    } else if c.failure.is_some() {
                        "FAILED".to_string()
                    } else if c.lints.is_empty() {
                        "clean".to_string()
                    } else {
                        "ok".to_string()
                    };
                    (compiled, c.lints.len().to_string(), c.first_problem())
                }
            };
            let _ = writeln!(
                s,
                "| {} | {generated} | {} | {compiled} | {lints} | {} |",
                cell(&doc.display),
                gen_result.warnings,
                first_error.map(|e| cell(&shorten(&e, 240))).unwrap_or_default()
            );
        }
    }

    fn totals(&self, s: &mut String) {
        let documents = self.documents.len();
        let generated = self.generated.results.iter().filter(|g| g.is_ok()).count();
        let _ = writeln!(s, "\n**Totals**\n");
        let skipped = if self.skipped_not_openapi > 0 {
            format!(" ({} other files skipped: not OpenAPI documents)", self.skipped_not_openapi)
        } else {
            String::new()
        };
        let _ = writeln!(s, "- documents: {documents}{skipped}");
        let _ = writeln!(s, "- generated: {generated} ({})", percent(generated, documents));
        if let Some(run) = self.compiled {
            let checks: Vec<&CrateCheck> = self.rows().filter_map(|(_, _, c)| c).collect();
            let compiled = checks.iter().filter(|c| c.compiled()).count();
            let clean = checks.iter().filter(|c| c.clean()).count();
            let _ = writeln!(s, "- compiled: {compiled} ({}; {} of generated)", percent(compiled, documents), percent(compiled, generated));
            let _ = writeln!(
                s,
                "- clean (compiled with zero warnings): {clean} ({}; {} of generated)",
                percent(clean, documents),
                percent(clean, generated)
            );
            let _ = writeln!(s, "- panics: {}", self.panics());
            self.generation_time(s);
            if run.command.is_empty() {
                let _ = writeln!(s, "- compile time: nothing to compile");
            } else {
                let _ = writeln!(s, "- compile time: {:.1} s (`{}`)", run.elapsed.as_secs_f64(), run.command);
            }
            let _ = writeln!(s, "\nLints that `-D warnings` turns into errors count as warnings above: `compiled` means no hard error, `clean` means not a single warning or lint either.");
        } else {
            let _ = writeln!(s, "- compiled: not checked (--no-compile)");
            let _ = writeln!(s, "- panics: {}", self.panics());
            self.generation_time(s);
        }
    }

    /// Every problem of every document, one per line, grouped by document.
    pub fn details(&self) -> String {
        let mut s = String::from("# Every problem of the last corpus run\n");
        for (doc, gen_result, check) in self.rows() {
            let mut lines = Vec::new();
            match &gen_result.outcome {
                Outcome::Panicked { message } => lines.push(format!("panic: {message}")),
                Outcome::Rejected { first_error, errors } => lines.push(format!("generation: {} (first of {})", first_error, count(*errors, "error"))),
                Outcome::Generated { .. } => {}
            }
            if let Some(check) = check {
                lines.extend(check.failure.iter().map(|f| format!("failure: {f}")));
                lines.extend(check.errors.iter().map(|m| format!("error: {}", m.one_line())));
                lines.extend(check.lints.iter().map(|m| format!("lint: {}", m.one_line())));
            }
            if lines.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n## {}\n", md(&doc.display));
            for line in lines {
                let _ = writeln!(s, "- {}", md(&line));
            }
        }
        s
    }

    fn generation_time(&self, s: &mut String) {
        let slowest = self.rows().max_by_key(|(_, g, _)| g.elapsed);
        let _ = write!(s, "- generation time: {:.1} s", self.generated.elapsed.as_secs_f64());
        if let Some((doc, g, _)) = slowest {
            let _ = write!(s, " (slowest: {} {:.2} s)", doc.display, g.elapsed.as_secs_f64());
        }
        s.push('\n');
    }

    fn failures(&self, s: &mut String) {
        let mut panics = Groups::default();
        let mut rejected = Groups::default();
        let mut errors = Groups::default();
        let mut lints = Groups::default();
        let mut no_message = Groups::default();
        for (doc, gen_result, check) in self.rows() {
            match &gen_result.outcome {
                Outcome::Panicked { message } => panics.add(kind(message), &doc.display, message, 1),
                Outcome::Rejected { first_error, .. } => {
                    let without_pointer = first_error.split(" (at #").next().unwrap_or(first_error);
                    rejected.add(kind(without_pointer), &doc.display, first_error, 1);
                }
                Outcome::Generated { .. } => {}
            }
            let Some(check) = check else { continue };
            add_messages(&mut errors, &doc.display, &check.errors);
            add_messages(&mut lints, &doc.display, &check.lints);
            if check.errors.is_empty() {
                if let Some(failure) = &check.failure {
                    no_message.add(kind(failure), &doc.display, failure, 1);
                }
            }
        }
        if [&panics, &rejected, &errors, &lints, &no_message].iter().all(|g| g.0.is_empty()) {
            return;
        }
        s.push_str("\n## Failures by kind\n");
        panics.write(s, "Generator panics", "document");
        rejected.write(s, "Documents the generator rejected (first error)", "document");
        errors.write(s, "Compile errors (every distinct error, by kind)", "crate");
        lints.write(s, "Warnings and lints (denied by -D warnings under clippy)", "crate");
        no_message.write(s, "Crates that failed without a diagnostic of their own", "crate");
    }
}

fn add_messages(groups: &mut Groups, document: &str, messages: &[Message]) {
    let mut per_kind: BTreeMap<String, (usize, &Message)> = BTreeMap::new();
    for m in messages {
        let code = m.code.as_deref().map(|c| format!("[{c}] ")).unwrap_or_default();
        per_kind.entry(format!("{code}{}", kind(&m.text))).or_insert((0, m)).0 += 1;
    }
    for (k, (count, first)) in per_kind {
        groups.add(k, document, &first.one_line(), count);
    }
}

/// Failures of one stage, by kind: kind → (documents with examples, occurrences).
#[derive(Default)]
struct Groups(BTreeMap<String, Group>);

#[derive(Default)]
struct Group {
    documents: Vec<(String, String)>,
    occurrences: usize,
}

impl Groups {
    fn add(&mut self, kind: String, document: &str, example: &str, occurrences: usize) {
        let group = self.0.entry(kind).or_default();
        group.documents.push((document.to_string(), example.to_string()));
        group.occurrences += occurrences;
    }

    fn write(&self, s: &mut String, title: &str, unit: &str) {
        if self.0.is_empty() {
            return;
        }
        let mut groups: Vec<(&String, &Group)> = self.0.iter().collect();
        groups.sort_by(|a, b| b.1.documents.len().cmp(&a.1.documents.len()).then(b.1.occurrences.cmp(&a.1.occurrences)).then(a.0.cmp(b.0)));
        let total: usize = groups.iter().map(|(_, g)| g.occurrences).sum();
        let _ = writeln!(s, "\n### {title} ({}, {})\n", count(groups.len(), "kind"), count(total, "occurrence"));
        for (kind, group) in groups {
            let _ = writeln!(
                s,
                "- **{}**: {}, {}",
                md(&shorten(kind, 200)),
                count(group.documents.len(), unit),
                count(group.occurrences, "occurrence")
            );
            for (doc, example) in group.documents.iter().take(EXAMPLES) {
                let _ = writeln!(s, "  - {}: {}", md(doc), md(&shorten(example, 300)));
            }
            if group.documents.len() > EXAMPLES {
                let _ = writeln!(s, "  - … and {} more", group.documents.len() - EXAMPLES);
            }
        }
    }
}

/// `1 crate`, `2 crates`.
fn count(n: usize, unit: &str) -> String {
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn percent(n: usize, of: usize) -> String {
    if of == 0 { "—".to_string() } else { format!("{:.1}%", 100.0 * n as f64 / of as f64) }
}

/// Text safe in a Markdown table cell.
fn cell(text: &str) -> String {
    md(text).replace('|', "\\|")
}

/// Text on one line for Markdown.
fn md(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::compile::CompileRun;
    use std::time::Duration;

    fn doc(name: &str) -> Document {
        Document { path: name.into(), display: name.into(), slug: name.into() }
    }

    fn result(outcome: Outcome) -> GenResult {
        GenResult { outcome, warnings: 1, elapsed: Duration::from_millis(10) }
    }

    #[test]
    fn the_report_has_a_row_per_document_totals_and_groups() {
        let documents = [doc("a"), doc("b"), doc("c")];
        let generated = GenerateRun {
            results: vec![
                result(Outcome::Generated { files: 3 }),
                result(Outcome::Rejected { first_error: "unsupported `3.1.0` (at #/openapi)".into(), errors: 1 }),
                result(Outcome::Generated { files: 3 }),
            ],
            elapsed: Duration::from_millis(30),
        };
        let mut compiled = CompileRun::default();
        let mut ok = CrateCheck::default();
        ok.artifacts = 2;
        compiled.crates.insert("a".into(), ok);
        let mut failing = CrateCheck::default();
        failing.errors.push(Message { code: Some("E0412".into()), text: "cannot find type `X` in this scope".into(), place: Some("src/types.rs:3".into()) });
        compiled.crates.insert("c".into(), failing);
        let report = Report { documents: &documents, generated: &generated, compiled: Some(&compiled), skipped_not_openapi: 0 };
        let text = report.markdown();
        assert!(text.contains("| a | ok (0.01 s) | 1 | clean | 0 |  |\n"), "{text}");
        assert!(text.contains("| b | error ×1 | 1 | — | — | unsupported `3.1.0` (at #/openapi) |\n"), "{text}");
        assert!(text.contains("| c | ok (0.01 s) | 1 | FAILED (1 errors) | 0 | [E0412] cannot find type `X` in this scope at src/types.rs:3 |\n"), "{text}");
        assert!(text.contains("- generated: 2 (66.7%)\n- compiled: 1 (33.3%; 50.0% of generated)\n"), "{text}");
        assert!(text.contains("- **[E0412] cannot find type `…` in this scope**: 1 crate, 1 occurrence\n"), "{text}");
        assert!(text.contains("- **unsupported `…`**: 1 document, 1 occurrence\n"), "{text}");
        let details = report.details();
        assert!(details.contains("## c\n\n- error: [E0412] cannot find type `X` in this scope at src/types.rs:3\n"), "{details}");
        assert!(!report.success());
    }
}
