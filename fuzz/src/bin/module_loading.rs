//! The `module_loading` fuzz target's bounded loop (see `wasmexec_fuzz::driver` for the options).

fn main() -> std::process::ExitCode {
    wasmexec_fuzz::driver::main(&wasmexec_fuzz::targets::module_loading::TARGET)
}
