//! The `cache_entries` fuzz target's bounded loop (see `wasmexec_fuzz::driver` for the options).

fn main() -> std::process::ExitCode {
    wasmexec_fuzz::driver::main(&wasmexec_fuzz::targets::cache_entries::TARGET)
}
