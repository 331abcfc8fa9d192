//! `xtask compile-time --profile`: where a generated crate's `cargo check` spends its time, by
//! kind of generated item (the types' `serde` impls, the operations' futures, ...).
//!
//! It runs the compiler once with `-Z self-profile` (through `RUSTC_BOOTSTRAP=1`, as the
//! profiler is unstable), reads the profile with `analyzeme` (the reader of rustc's own
//! measureme format), and charges each event's *self* time (its duration less that of the events
//! nested in it) to the nearest enclosing query about an item of the crate. Item paths are masked
//! (type names become `T`, group modules `GROUP`, impl numbers dropped), so that one row adds up
//! the `visit_map` of every type. The profile file is large (2.4 GB for GitHub's client) and is
//! deleted once read.

use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

/// The owner of events about no single item of the crate.
const WHOLE: &str = "(the crate as a whole)";

/// The profiler's own bookkeeping, left out of the shares.
const PROFILER_OVERHEAD: &str = "self_profile_alloc_query_strings";

/// One interval event: nanoseconds since the epoch, interned label and owner.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    pub start: u64,
    pub end: u64,
    pub label: u32,
    /// The masked item this event is about, or `u32::MAX` when it names none of the crate's
    /// items (it then belongs to the enclosing event's item).
    pub owner: u32,
}

/// Self time per (owner, label), with the interned names.
#[derive(Debug, Default)]
pub struct Profile {
    pub names: Vec<String>,
    /// (owner, label) → nanoseconds of self time.
    pub self_time: HashMap<(u32, u32), u64>,
    /// Sum of the outermost events' durations.
    pub total: u64,
}

/// Reads a `.mm_profdata` file (given without its extension) of crate `crate_name`.
pub fn read(stem: &Path, crate_name: &str) -> Result<Profile, String> {
    let data = analyzeme::ProfilingData::new(stem).map_err(|e| format!("cannot read the profile `{}`: {e}", stem.display()))?;
    let mut names = Interner::default();
    let unowned = names.id(WHOLE);
    let mut by_thread: HashMap<u32, Vec<Event>> = HashMap::new();
    let nanos = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    for e in data.iter_full() {
        let analyzeme::EventPayload::Timestamp(analyzeme::Timestamp::Interval { start, end }) = e.payload else { continue };
        let owner = match e.additional_data.first() {
            Some(arg) if arg.starts_with(crate_name) => names.id(&mask(arg)),
            _ => u32::MAX,
        };
        let label = names.id(&e.label);
        by_thread.entry(e.thread_id).or_default().push(Event { start: nanos(start), end: nanos(end), label, owner });
    }
    let mut profile = Profile::default();
    for events in by_thread.into_values() {
        profile.total += self_times(events, unowned, &mut profile.self_time);
    }
    profile.names = names.names;
    Ok(profile)
}

/// Adds each event's self time to `out` under (owner, label); an event without an owner takes
/// its parent's (`unowned` at the top). Returns the sum of the outermost events' durations.
pub fn self_times(mut events: Vec<Event>, unowned: u32, out: &mut HashMap<(u32, u32), u64>) -> u64 {
    // Parents before children: by start, and of equal starts the longer first.
    events.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut children = vec![0u64; events.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut total = 0;
    for i in 0..events.len() {
        while stack.last().is_some_and(|&top| events[top].end <= events[i].start) {
            stack.pop();
        }
        let duration = events[i].end.saturating_sub(events[i].start);
        match stack.last() {
            Some(&parent) => {
                children[parent] += duration;
                if events[i].owner == u32::MAX {
                    events[i].owner = events[parent].owner;
                }
            }
            None => {
                total += duration;
                if events[i].owner == u32::MAX {
                    events[i].owner = unowned;
                }
            }
        }
        stack.push(i);
    }
    for (e, child) in events.iter().zip(children) {
        *out.entry((e.owner, e.label)).or_default() += e.end.saturating_sub(e.start).saturating_sub(child);
    }
    total
}

/// An item path with its particulars masked: `my_crate::types::_[12]::{{impl}}[3]::deserialize`
/// → `types::_::{{impl}}::deserialize`, `my_crate::repos::{{impl}}[40]::into_future` →
/// `GROUP::{{impl}}::into_future`, `my_crate::types::FullRepository` → `types::T`.
pub fn mask(path: &str) -> String {
    let mut out = Vec::new();
    for (i, segment) in path.split("::").enumerate().skip(1) {
        let mut clean = String::with_capacity(segment.len());
        let mut depth = 0u32;
        for c in segment.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                _ if depth == 0 => clean.push(c),
                _ => {}
            }
        }
        let masked = if i == 1 && !matches!(clean.as_str(), "types" | "errors" | "runtime" | "client" | "webhooks") {
            "GROUP".to_string()
        } else if clean.trim_start_matches('<').starts_with(|c: char| c.is_ascii_uppercase()) && !clean.starts_with("__") {
            "T".to_string()
        } else {
            clean
        };
        out.push(masked);
    }
    if out.is_empty() { WHOLE.to_string() } else { out.join("::") }
}

/// The kind of generated code a masked item path belongs to, for the summary table.
pub fn kind(masked: &str) -> &'static str {
    let last = masked.rsplit("::").find(|s| !s.starts_with("{{")).unwrap_or("");
    let in_types = ["types::", "errors::", "webhooks::"].iter().any(|m| masked.starts_with(m));
    // Derived impls sit in `const _: () = { .. }` (`types::_::`); the runtime's macros expand
    // to plain impls (`types::{{impl}}::serialize`).
    let derived = ["types::_", "errors::_", "webhooks::_"].iter().any(|m| masked.starts_with(m));
    let reads = masked.contains("::deserialize") || masked.contains("::visit_") || masked.contains("__Visitor") || masked.contains("__Field") || last == "expecting";
    if in_types && reads {
        "serde Deserialize of the types"
    } else if in_types && (derived || last == "serialize") {
        "serde Serialize of the types"
    } else if masked.starts_with("GROUP::") {
        match masked.split("::").find(|s| !s.starts_with("{{") && *s != "GROUP" && *s != "T") {
            Some("into_future" | "send" | "send_with_response" | "send_with_headers") => "the operations' futures (send, IntoFuture)",
            Some(_) => "the operations' other methods (decode, into_call, setters, Debug)",
            None => "the operations' builder types",
        }
    } else if masked.starts_with("types::") {
        "Debug, Clone, PartialEq, ... and methods of the types"
    } else if masked.starts_with("errors::") {
        "the error enums"
    } else if masked.starts_with("runtime") {
        "the runtime"
    } else if masked.starts_with("client") {
        "the client"
    } else if masked.starts_with("webhooks") {
        "webhooks"
    } else {
        "the crate as a whole (parsing, expansion, resolution, metadata)"
    }
}

/// The summary: self time by kind, then the most expensive masked items.
pub fn report(p: &Profile) -> String {
    use std::fmt::Write as _;
    let overhead_label = p.names.iter().position(|n| n == PROFILER_OVERHEAD).map(|i| i as u32);
    let mut by_kind: HashMap<&str, u64> = HashMap::new();
    let mut by_item: HashMap<u32, u64> = HashMap::new();
    // What the compiler does in the time no single item owns (its queries, by label).
    let mut crate_wide: HashMap<u32, u64> = HashMap::new();
    let whole = p.names.iter().position(|n| n == WHOLE).map(|i| i as u32);
    let mut overhead = 0;
    for (&(owner, label), &t) in &p.self_time {
        if Some(label) == overhead_label {
            overhead += t;
            continue;
        }
        *by_kind.entry(kind(&p.names[owner as usize])).or_default() += t;
        *by_item.entry(owner).or_default() += t;
        if Some(owner) == whole {
            *crate_wide.entry(label).or_default() += t;
        }
    }
    let measured = p.total.saturating_sub(overhead).max(1);
    let secs = |ns: u64| ns as f64 / 1e9;
    let mut out = String::new();
    let _ = writeln!(out, "self time {:.1} s (the profiler's own {:.1} s left out)\n", secs(measured), secs(overhead));
    let _ = writeln!(out, "| kind of code | self time | share |\n|---|---:|---:|");
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (k, t) in kinds {
        let _ = writeln!(out, "| {k} | {:.1} s | {:.1}% |", secs(t), 100.0 * t as f64 / measured as f64);
    }
    let _ = writeln!(out, "\n| item (masked) | self time | share |\n|---|---:|---:|");
    let mut items: Vec<_> = by_item.into_iter().collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (owner, t) in items.into_iter().take(20) {
        let _ = writeln!(out, "| `{}` | {:.1} s | {:.1}% |", p.names[owner as usize], secs(t), 100.0 * t as f64 / measured as f64);
    }
    let _ = writeln!(out, "\n| compiler activity in `{WHOLE}` | self time | share |\n|---|---:|---:|");
    let mut activities: Vec<_> = crate_wide.into_iter().collect();
    activities.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (label, t) in activities.into_iter().take(15) {
        let _ = writeln!(out, "| `{}` | {:.1} s | {:.1}% |", p.names[label as usize], secs(t), 100.0 * t as f64 / measured as f64);
    }
    out
}

#[derive(Default)]
struct Interner {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX - 1);
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_masked_to_their_kind_of_code() {
        assert_eq!(mask("my_crate::types::_[12]::{{impl}}[3]::deserialize::{{impl}}[2]::visit_map"), "types::_::{{impl}}::deserialize::{{impl}}::visit_map");
        assert_eq!(mask("my_crate::repos::{{impl}}[40]::into_future"), "GROUP::{{impl}}::into_future");
        assert_eq!(mask("my_crate::types::FullRepository"), "types::T");
        assert_eq!(mask("my_crate"), "(the crate as a whole)");
        assert_eq!(kind("types::_::{{impl}}::deserialize::{{impl}}::visit_seq"), "serde Deserialize of the types");
        assert_eq!(kind("types::_::{{impl}}::serialize"), "serde Serialize of the types");
        assert_eq!(kind("GROUP::{{impl}}::into_future"), "the operations' futures (send, IntoFuture)");
        assert_eq!(kind("GROUP::{{impl}}::send::{{closure}}"), "the operations' futures (send, IntoFuture)");
        assert_eq!(kind("GROUP::{{impl}}::decode"), "the operations' other methods (decode, into_call, setters, Debug)");
        assert_eq!(kind("types::{{impl}}::fmt"), "Debug, Clone, PartialEq, ... and methods of the types");
        // The runtime's `object!` expands outside a `const _` block.
        assert_eq!(kind("types::{{impl}}::deserialize::{{impl}}::visit_map"), "serde Deserialize of the types");
        assert_eq!(kind("types::{{impl}}::serialize"), "serde Serialize of the types");
        assert_eq!(kind("(the crate as a whole)"), "the crate as a whole (parsing, expansion, resolution, metadata)");
    }

    #[test]
    fn self_time_is_duration_less_children_and_unowned_events_take_their_parents_item() {
        // typeck of item 1 (0..100) contains an unowned trait query (10..40), which contains
        // another (20..30); then an unowned top-level pass (100..150).
        let (item, unowned, typeck, prove, pass) = (1, 0, 10, 11, 12);
        let events = vec![
            Event { start: 20, end: 30, label: prove, owner: u32::MAX },
            Event { start: 0, end: 100, label: typeck, owner: item },
            Event { start: 10, end: 40, label: prove, owner: u32::MAX },
            Event { start: 100, end: 150, label: pass, owner: u32::MAX },
        ];
        let mut out = HashMap::new();
        let total = self_times(events, unowned, &mut out);
        assert_eq!(total, 150);
        assert_eq!(out[&(item, typeck)], 70);
        assert_eq!(out[&(item, prove)], 30, "20 of the outer query and 10 of the inner, both charged to the item");
        assert_eq!(out[&(unowned, pass)], 50);
        assert_eq!(out.values().sum::<u64>(), 150, "self times add up to the whole");
    }

    #[test]
    fn the_report_lists_the_compilers_activities_in_the_crate_as_a_whole() {
        let names = ["(the crate as a whole)", "types::{{impl}}::serialize", "typeck", "coherent_trait", "expand_crate"].map(String::from).to_vec();
        let self_time = HashMap::from([((0, 3), 3_000_000_000), ((0, 4), 1_000_000_000), ((1, 2), 4_000_000_000)]);
        let report = report(&Profile { names, self_time, total: 8_000_000_000 });
        let activities = report.split("compiler activity").nth(1).expect("the activity table");
        assert!(activities.contains("| `coherent_trait` | 3.0 s | 37.5% |"), "{report}");
        assert!(activities.contains("| `expand_crate` | 1.0 s | 12.5% |"), "{report}");
        assert!(!activities.contains("typeck"), "an item's own query is not the crate's: {report}");
    }
}
