//! Line and column numbers for JSON pointers, computed from the source text on demand.
//!
//! The loader parses documents with serde, which keeps no positions. When a diagnostic needs
//! one, this module walks the text once with `yaml-rust2`'s event parser (JSON is YAML too) and
//! records where each requested pointer starts: the key for a mapping entry, the node itself for
//! a sequence item or the root. Many pointers are located in one pass.

use crate::diagnostics::{LineCol, escape_pointer_segment};
use std::collections::{BTreeMap, HashSet};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Finds each pointer (`#/a/0/b`) in `text`. Pointers not in the text are absent from the result.
pub fn locate(text: &str, pointers: &[&str]) -> BTreeMap<String, LineCol> {
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
}
