//! Fuzz targets for wasmexec that run on stable Rust: inputs are byte strings that each target
//! decodes with [`arbitrary::Unstructured`] into what it feeds the runtime; a bounded loop
//! ([`driver`]) makes inputs from a seeded generator and from mutations of the checked-in
//! corpus (`fuzz/corpus/<target>/`), and records any input that makes the runtime panic,
//! abort or hang.
//!
//! Targets:
//! - [`targets::gojs_imports`]: every `gojs` import called with arbitrary stack pointers,
//!   lengths, value ids and memory contents, without an engine;
//! - [`targets::module_loading`]: arbitrary and mutated modules (a real Go module's sections
//!   among the seeds) through `Runtime::compile` and `instantiate` on wasmi and wasmtime;
//! - [`targets::cache_entries`]: arbitrary and mutated disk cache entries (and key files).

pub mod driver;
pub mod rng;
pub mod targets;
pub mod wasm;

/// A fuzz target: a name, how it runs one input (panicking on a bug), and how it writes an
/// input as a self-contained reproducer.
pub struct Target {
    /// The target's name (its corpus directory, its binary).
    pub name: &'static str,
    /// Runs one input. Returning is success; a panic is a bug.
    pub run: fn(&[u8]),
    /// The longest input the generator makes.
    pub max_len: usize,
    /// The input as a reproducer that does not depend on anything but itself (for inputs that
    /// name a seed built at run time); `None` if the input already is one.
    pub reproducer: fn(&[u8]) -> Option<Vec<u8>>,
}

/// Every target.
pub fn all() -> [&'static Target; 3] {
    [
        &targets::gojs_imports::TARGET,
        &targets::module_loading::TARGET,
        &targets::cache_entries::TARGET,
    ]
}

/// The repository's root (for the corpus and the Go seed module).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ has a parent")
        .to_path_buf()
}
