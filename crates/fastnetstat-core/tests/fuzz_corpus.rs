//! The fuzz targets' checks on every file under fixtures/fuzz/<target>/: the
//! seed corpus, and in `crashes/` the inputs a fuzz run once crashed on (each
//! fixed since; see docs/fuzzing.md). Runs on stable in `cargo test`, with the
//! very checks the fuzzers run (one copy: fuzz/src/checks.rs).

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn corpus_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/fuzz")
}

/// Every file under `dir`, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_seed_and_saved_crash_passes_the_fuzz_checks() {
    let root = corpus_root();
    let mut failures = Vec::new();
    let mut count = 0;
    for target in checks::TARGETS {
        let dir = root.join(target);
        let inputs = files(&dir);
        assert!(!inputs.is_empty(), "no seeds in {}", dir.display());
        for path in inputs {
            let data = std::fs::read(&path).unwrap();
            count += 1;
            if let Err(panic) = std::panic::catch_unwind(|| assert!(checks::run(target, &data))) {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: {message}", path.strip_prefix(&root).unwrap().display()));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} inputs fail:\n{}", failures.len(), failures.join("\n"));
}

/// Each directory under fixtures/fuzz is a target's corpus (a typo would
/// leave its files unchecked).
#[test]
fn corpus_directories_are_targets() {
    for entry in std::fs::read_dir(corpus_root()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_str().unwrap();
            assert!(checks::TARGETS.contains(&name), "fixtures/fuzz/{name} is not a fuzz target");
        }
    }
}
