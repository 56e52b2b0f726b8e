//! Conformance harness: Go guest fixtures, built once, run on every engine and on Node's
//! reference `wasm_exec.js`, reduced to comparable transcripts.
//!
//! A fixture is `go-guests/<name>/` (the program) plus `fixtures/<name>.toml` (its spec; the
//! format is in `fixtures/README.md`).

pub mod encoding;
pub mod engines;
pub mod guests;
pub mod mounts;
pub mod releases;
pub mod spec;
pub mod std_suites;
pub mod transcript;

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("harness/ has a parent")
        .to_path_buf()
}

/// Where the harness keeps built guests, compiled modules and the report.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}
