//! Dropping a guest frees its JS world. Its objects refer to each other in cycles (a
//! prototype and its constructor, the global object and `globalThis`); the first long
//! `gojs_imports` run found every dropped host leaking them (about 380 KiB each, until the
//! OOM killer ended the fuzzer at 20 GB). In a test binary of its own, so no other test's
//! allocations blur the measure.

use wasmexec::fuzzing::ImportSandbox;

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn dropped_hosts_free_their_js_world() {
    let make = |n: usize| {
        for _ in 0..n {
            let mut sandbox = ImportSandbox::new(vec![0; 1 << 16], None, 64 << 20).unwrap();
            let _ = sandbox.call("runtime.nanotime1", 0);
            drop(sandbox);
        }
    };
    make(50); // allocator warm-up
    let before = resident_kib();
    make(300);
    let grown = resident_kib().saturating_sub(before);
    // Leaking, 300 hosts hold over 100 MiB.
    assert!(grown < 32 << 10, "300 dropped hosts kept {grown} KiB");
}
