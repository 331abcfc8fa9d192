//! Same inputs, byte-identical output: in memory and on disk, run after run.

use sdkforge::Generator;
use sdkforge_tests::{committed_config, fixture, fixture_config};
use std::collections::BTreeMap;
use std::path::Path;

fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(root).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn generating_twice_gives_identical_files() {
    for config in [committed_config(), fixture_config(&fixture("specs/kitchen-sink.yaml"), Path::new("unused"))] {
        let first = Generator::new(config.clone()).generate().unwrap().files;
        for _ in 0..3 {
            assert_eq!(Generator::new(config.clone()).generate().unwrap().files, first);
        }
    }
}

#[test]
fn two_writes_give_byte_identical_trees() {
    let dir = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for name in ["a", "b"] {
        let mut config = committed_config();
        config.out = dir.path().join(name);
        Generator::new(config).write().unwrap();
        trees.push(tree(&dir.path().join(name)));
    }
    assert!(!trees[0].is_empty());
    assert_eq!(trees[0], trees[1]);
}
