//! The `gojs_imports` fuzz target's bounded loop (see `wasmexec_fuzz::driver` for the options).

fn main() -> std::process::ExitCode {
    wasmexec_fuzz::driver::main(&wasmexec_fuzz::targets::gojs_imports::TARGET)
}
