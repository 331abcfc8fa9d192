//! Line and column numbers for JSON pointers, computed from the source text on demand.
//!
//! The loader parses documents with serde, which keeps no positions. When a diagnostic needs
//! one, this module walks the text once with `yaml-rust2`'s event parser (JSON is YAML too) and
//! records where each requested pointer starts: the key for a mapping entry, the node itself for
//! a sequence item or the root. Many pointers are located in one pass.
//!
//! JSON text takes a faster path ([`locate_json`]) that gives the same answers: a large JSON
//! document (GitHub's is 13 MB) is mostly skipped over, since only the subtrees on the way to a
//! wanted pointer need reading, where the YAML parser would build an event for every node.

use crate::diagnostics::{LineCol, escape_pointer_segment};
use std::collections::{BTreeMap, HashSet};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Finds each pointer (`#/a/0/b`) in `text`. Pointers not in the text are absent from the result.
pub fn locate(text: &str, pointers: &[&str]) -> BTreeMap<String, LineCol> {
    if text.trim_start().starts_with(['{', '[']) {
        if let Some(found) = locate_json(text, pointers) {
            return found;
        }
    }
    let wanted: HashSet<String> = pointers.iter().map(|p| normalise(p)).collect();
    let mut walker = Walker { wanted: &wanted, stack: Vec::new(), path: Vec::new(), found: BTreeMap::new() };
    // A parse error only stops the walk; whatever was located before it is still right.
    let _ = Parser::new_from_str(text).load(&mut walker, false);
    let mut out = BTreeMap::new();
    // The parser reports a block mapping's start after its first key; the root is simply 1:1.
    walker.found.insert("#".to_string(), LineCol { line: 1, column: 1 });
    for p in pointers {
        if let Some(at) = walker.found.get(&normalise(p)) {
            out.insert((*p).to_string(), *at);
        }
    }
    out
}

/// [`locate`] for JSON text; `None` when the text is not JSON after all (the caller then reads
/// it as YAML).
///
/// Where a node is, as the YAML walk reports it: a mapping entry at its key's opening quote, a
/// sequence item at its first character, except a non-empty object in a sequence, which is at its
/// first key (a YAML block mapping's start is only known there).
pub fn locate_json(text: &str, pointers: &[&str]) -> Option<BTreeMap<String, LineCol>> {
    let wanted: Vec<Vec<String>> = pointers.iter().map(|p| crate::diagnostics::pointer_segments(p)).collect();
    let mut offsets: Vec<Option<usize>> = vec![None; wanted.len()];
    let mut scan = JsonScan { bytes: text.as_bytes(), pos: 0 };
    scan.ws();
    let all: Vec<usize> = (0..wanted.len()).collect();
    scan.value(&wanted, &all, 0, &mut offsets)?;
    // Offsets to line and column, in one pass over the text in offset order.
    let mut order: Vec<(usize, usize)> = offsets.iter().enumerate().filter_map(|(i, o)| o.map(|o| (o, i))).collect();
    order.sort_unstable();
    let (mut line, mut line_start, mut at) = (1, 0, 0);
    let mut out = BTreeMap::new();
    for (offset, i) in order {
        let between = &text.as_bytes()[at..offset];
        line += between.iter().filter(|b| **b == b'\n').count();
        if let Some(k) = between.iter().rposition(|b| *b == b'\n') {
            line_start = at + k + 1;
        }
        at = offset;
        let column = text.get(line_start..offset).map_or(0, |s| s.chars().count()) + 1;
        out.insert(pointers[i].to_string(), LineCol { line, column });
    }
    for (i, p) in pointers.iter().enumerate() {
        if wanted[i].is_empty() {
            out.insert((*p).to_string(), LineCol { line: 1, column: 1 });
        }
    }
    Some(out)
}

/// The bytes that matter when skipping over a JSON container: quotes and brackets.
const STRUCTURE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'{' as usize] = true;
    table[b'[' as usize] = true;
    table[b'}' as usize] = true;
    table[b']' as usize] = true;
    table
};

/// A cursor over JSON text that reads only what leads to wanted pointers and skips the rest.
struct JsonScan<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl JsonScan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.peek()? == b).then(|| self.pos += 1)
    }

    /// A string at the cursor: its text when it has escapes, else `Cow::Borrowed`.
    fn string(&mut self) -> Option<std::borrow::Cow<'_, str>> {
        let start = self.pos;
        self.skip_string()?;
        let raw = std::str::from_utf8(&self.bytes[start..self.pos]).ok()?;
        if raw.contains('\\') {
            serde_json::from_str::<String>(raw).ok().map(std::borrow::Cow::Owned)
        } else {
            Some(std::borrow::Cow::Borrowed(&raw[1..raw.len() - 1]))
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        let mut i = self.pos + 1;
        loop {
            // Only a quote or a backslash matters inside a string.
            i += memchr::memchr2(b'"', b'\\', self.bytes.get(i..)?)?;
            if self.bytes[i] == b'"' {
                self.pos = i + 1;
                return Some(());
            }
            i += 2;
        }
    }

    /// Skips any value (the cursor is on its first character).
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    // Only strings and brackets matter inside a container.
                    let rest = self.bytes.get(self.pos..)?;
                    self.pos += rest.iter().position(|b| STRUCTURE[usize::from(*b)])?;
                    match self.bytes[self.pos] {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        _ => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while !matches!(self.peek()?, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }

    /// Reads the value at the cursor, at `depth` segments below the root. `candidates` are the
    /// wanted pointers whose first `depth` segments lead here.
    fn value(&mut self, wanted: &[Vec<String>], candidates: &[usize], depth: usize, found: &mut [Option<usize>]) -> Option<()> {
        let deeper: Vec<usize> = candidates.iter().copied().filter(|&i| wanted[i].len() > depth).collect();
        if deeper.is_empty() {
            return self.skip_value();
        }
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.ws();
                    let key_at = self.pos;
                    let key = self.string()?.into_owned();
                    let next: Vec<usize> = deeper.iter().copied().filter(|&i| wanted[i][depth] == key).collect();
                    for &i in &next {
                        if wanted[i].len() == depth + 1 && found[i].is_none() {
                            found[i] = Some(key_at);
                        }
                    }
                    self.eat(b':')?;
                    self.ws();
                    self.value(wanted, &next, depth + 1, found)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                let mut index = 0usize;
                loop {
                    self.ws();
                    let segment = index.to_string();
                    let next: Vec<usize> = deeper.iter().copied().filter(|&i| wanted[i][depth] == segment).collect();
                    let item_at = self.at_item();
                    for &i in &next {
                        if wanted[i].len() == depth + 1 && found[i].is_none() {
                            found[i] = Some(item_at);
                        }
                    }
                    self.value(wanted, &next, depth + 1, found)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                    index += 1;
                }
            }
            _ => self.skip_value(),
        }
    }

    /// Where a sequence item is reported: its first key when it is a non-empty object.
    fn at_item(&self) -> usize {
        if self.peek() == Some(b'{') {
            let mut p = self.pos + 1;
            while matches!(self.bytes.get(p), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                p += 1;
            }
            if self.bytes.get(p) == Some(&b'"') {
                return p;
            }
        }
        self.pos
    }
}

fn normalise(pointer: &str) -> String {
    let p = pointer.strip_prefix('#').unwrap_or(pointer);
    format!("#{p}")
}

enum Frame {
    /// `located`: the mapping's own pointer when it was wanted; the parser marks a block
    /// mapping after its first key, so the first key's position replaces that mark.
    Mapping { expecting_key: bool, located: Option<String> },
    Sequence { index: usize },
}

struct Walker<'a> {
    wanted: &'a HashSet<String>,
    stack: Vec<Frame>,
    /// Escaped segments of the node being read.
    path: Vec<String>,
    found: BTreeMap<String, LineCol>,
}

impl Walker<'_> {
    fn pointer(&self) -> String {
        let mut s = String::from("#");
        for seg in &self.path {
            s.push('/');
            s.push_str(seg);
        }
        s
    }

    fn record(&mut self, mark: Marker) {
        if self.wanted.is_empty() {
            return;
        }
        let p = self.pointer();
        if self.wanted.contains(&p) && !self.found.contains_key(&p) {
            self.found.insert(p, LineCol { line: mark.line(), column: mark.col() + 1 });
        }
    }

    /// Called when a node starts. Returns true if the node is a mapping key.
    fn node_start(&mut self, mark: Marker, key_text: Option<&str>) -> bool {
        match self.stack.last_mut() {
            Some(Frame::Mapping { expecting_key: true, .. }) => {
                if let Some(Frame::Mapping { expecting_key, located }) = self.stack.last_mut() {
                    *expecting_key = false;
                    if let Some(p) = located.take() {
                        self.found.insert(p, LineCol { line: mark.line(), column: mark.col() + 1 });
                    }
                }
                self.path.push(escape_pointer_segment(key_text.unwrap_or("")));
                self.record(mark);
                true
            }
            Some(Frame::Sequence { index }) => {
                let i = *index;
                self.path.push(i.to_string());
                self.record(mark);
                false
            }
            Some(Frame::Mapping { expecting_key: false, .. }) => false,
            None => {
                self.record(mark);
                false
            }
        }
    }

    /// Called when a value node ends: step to the next key or item.
    fn value_end(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Mapping { expecting_key, .. }) => {
                *expecting_key = true;
                self.path.pop();
            }
            Some(Frame::Sequence { index }) => {
                *index += 1;
                self.path.pop();
            }
            None => {}
        }
    }
}

impl MarkedEventReceiver for Walker<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(ref text, ..) => {
                let is_key = self.node_start(mark, Some(text));
                if !is_key {
                    self.value_end();
                }
            }
            Event::Alias(_) => {
                let is_key = self.node_start(mark, None);
                if !is_key {
                    self.value_end();
                }
            }
            Event::MappingStart(..) => {
                self.node_start(mark, None);
                // Mapping entries are located at their key already; sequence items are not.
                let p = self.pointer();
                let in_sequence = matches!(self.stack.last(), Some(Frame::Sequence { .. }));
                let located = (in_sequence && self.wanted.contains(&p)).then_some(p);
                self.stack.push(Frame::Mapping { expecting_key: true, located });
            }
            Event::SequenceStart(..) => {
                self.node_start(mark, None);
                self.stack.push(Frame::Sequence { index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_end();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> LineCol {
        LineCol { line, column }
    }

    #[test]
    fn locates_keys_items_and_root_in_yaml() {
        let text = "openapi: 3.0.3\npaths:\n  /a/b:\n    post:\n      tags: [x, y]\n";
        let found = locate(text, &["#", "#/paths/~1a~1b/post", "#/paths/~1a~1b/post/tags/1", "#/nope"]);
        assert_eq!(found["#"], at(1, 1));
        assert_eq!(found["#/paths/~1a~1b/post"], at(4, 5));
        assert_eq!(found["#/paths/~1a~1b/post/tags/1"], at(5, 17));
        assert!(!found.contains_key("#/nope"));
    }

    #[test]
    fn locates_mappings_inside_sequences() {
        let text = "params:\n  - name: a\n    in: query\n  - name: b\n";
        let found = locate(text, &["#/params/1", "#/params/1/name", "#/params/0/in"]);
        assert_eq!(found["#/params/1/name"], at(4, 5));
        assert_eq!(found["#/params/0/in"], at(3, 5));
        assert_eq!(found["#/params/1"], at(4, 5), "a block mapping is where its first key is");
    }

    #[test]
    fn locates_in_json_and_after_nested_values() {
        let text = "{\n  \"a\": {\"x\": [1, {\"y\": 2}]},\n  \"b\": true\n}";
        let found = locate(text, &["#/b", "#/a/x/1/y"]);
        assert_eq!(found["#/b"], at(3, 3));
        assert_eq!(found["#/a/x/1/y"], at(2, 19));
    }

    /// The YAML walk over the same JSON text, for comparing with the fast path.
    fn locate_as_yaml(text: &str, pointers: &[&str]) -> BTreeMap<String, LineCol> {
        let wanted: HashSet<String> = pointers.iter().map(|p| normalise(p)).collect();
        let mut walker = Walker { wanted: &wanted, stack: Vec::new(), path: Vec::new(), found: BTreeMap::new() };
        let _ = Parser::new_from_str(text).load(&mut walker, false);
        walker.found.insert("#".to_string(), LineCol { line: 1, column: 1 });
        pointers.iter().filter_map(|p| walker.found.get(&normalise(p)).map(|at| ((*p).to_string(), *at))).collect()
    }

    #[test]
    fn the_json_path_agrees_with_the_yaml_walk() {
        let text = concat!(
            "{\"openapi\": \"3.0.3\",\n",
            "  \"paths\": {\"/a/{b}\": {\"get\": {\"parameters\": [\n",
            "      {\"name\": \"b\", \"in\": \"path\"},\n",
            "      {},\n",
            "      [1, \"x\\\"y\", {\"k\": null}]\n",
            "    ], \"x-é\": \"ünï\", \"t\\u00e9\": 1}}},\n",
            "\t\"empty\": {}, \"list\": [true, false, -1.5e3]\n",
            "}\n"
        );
        let pointers = [
            "#", "#/openapi", "#/paths/~1a~1{b}/get", "#/paths/~1a~1{b}/get/parameters/0", "#/paths/~1a~1{b}/get/parameters/0/in",
            "#/paths/~1a~1{b}/get/parameters/1", "#/paths/~1a~1{b}/get/parameters/2/2/k", "#/paths/~1a~1{b}/get/parameters/2/1",
            "#/paths/~1a~1{b}/get/x-é", "#/paths/~1a~1{b}/get/té", "#/empty", "#/list/2", "#/nope", "#/list/9",
        ];
        let fast = locate_json(text, &pointers).expect("JSON");
        assert_eq!(fast, locate_as_yaml(text, &pointers));
        assert_eq!(fast["#/paths/~1a~1{b}/get/parameters/0"], at(3, 8));
        assert_eq!(fast["#/list/2"], at(7, 37), "a tab is one column");
        assert!(!fast.contains_key("#/nope"));
    }

    #[test]
    fn text_that_is_not_json_goes_to_the_yaml_walk() {
        assert_eq!(locate_json("{a: 1}", &["#/a"]), None);
        assert_eq!(locate("{a: 1}", &["#/a"])["#/a"], at(1, 2));
    }
}
