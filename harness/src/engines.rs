//! The engine configurations trials run on: each engine compiled in, with each of its
//! compiler tiers (wasmtime's Cranelift and Winch, wasmer's Cranelift and Singlepass; wasmi
//! interprets), and wasmtime moving each guest through the tiers as it runs
//! (`wasmtime-tiered`: from the interpreter to Winch to Cranelift code; `wasmtime-restless`:
//! the same, then on to fresh instances of Cranelift code every few milliseconds).

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use wasmexec::{EngineKind, Runtime, Settings, Tier};

/// An engine and the compiler tier it runs guests with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EngineConfig {
    /// The engine.
    pub kind: EngineKind,
    /// Its compiler: [`Tier::Optimized`] or [`Tier::Baseline`]; [`Tier::Auto`] for the
    /// configuration that moves guests between tiers.
    pub tier: Tier,
    /// How long guests stay on one instance once they made their last tier's move, if they
    /// keep moving ([`wasmexec::Settings::move_again_after`]; wasmtime's epoch then ticks at
    /// least as often, so a guest that computes is also stopped inside its code).
    pub restless: Option<Duration>,
}

impl EngineConfig {
    /// Every configuration of the engines compiled in, optimized tiers first.
    pub fn all() -> Vec<EngineConfig> {
        let available = EngineKind::available();
        let mut out: Vec<EngineConfig> = available
            .iter()
            .map(|&kind| EngineConfig {
                kind,
                tier: Tier::Optimized,
                restless: None,
            })
            .collect();
        for &kind in &available {
            if kind != EngineKind::Wasmi {
                out.push(EngineConfig {
                    kind,
                    tier: Tier::Baseline,
                    restless: None,
                });
            }
        }
        if available.contains(&EngineKind::Wasmtime) {
            out.push(EngineConfig::TIERED);
            out.push(EngineConfig::RESTLESS);
        }
        out
    }

    /// wasmtime moving each guest from the interpreter (when wasmi is compiled in) to
    /// baseline code at its first chance, and on to optimized code at the next (its first
    /// event, or its first 10 ms of computing).
    pub const TIERED: EngineConfig = EngineConfig {
        kind: EngineKind::Wasmtime,
        tier: Tier::Auto,
        restless: None,
    };

    /// [`EngineConfig::TIERED`], then moving each guest to a fresh instance of its optimized
    /// code every 2 ms until it ends: moves at many points of every run
    /// (inside Go's code while it computes, at its calls into the host, between events),
    /// where a real run makes two.
    pub const RESTLESS: EngineConfig = EngineConfig {
        restless: Some(Duration::from_millis(2)),
        ..EngineConfig::TIERED
    };

    /// This configuration for Go's std suites: the restless one moves their guests every
    /// 50 ms instead (each move copies a suite's tens of MB of memory), still hundreds of
    /// times over the nine suites.
    pub fn for_suites(self) -> EngineConfig {
        EngineConfig {
            restless: self.restless.map(|_| Duration::from_millis(50)),
            ..self
        }
    }

    /// Whether guests of this configuration move between instances as they run.
    pub fn moves(self) -> bool {
        self.tier == Tier::Auto
    }

    /// `wasmtime`, `wasmtime-winch`, `wasmer`, `wasmer-singlepass`, `wasmi`,
    /// `wasmtime-tiered`, `wasmtime-restless`.
    pub fn name(self) -> &'static str {
        match (self.kind, self.tier) {
            (EngineKind::Wasmtime, Tier::Baseline) => "wasmtime-winch",
            (EngineKind::Wasmer, Tier::Baseline) => "wasmer-singlepass",
            (EngineKind::Wasmtime, Tier::Auto) if self.restless.is_some() => "wasmtime-restless",
            (EngineKind::Wasmtime, Tier::Auto) => "wasmtime-tiered",
            (kind, _) => kind.name(),
        }
    }

    /// Does a known difference declared for `engine` (a configuration name, an engine name
    /// covering its tiers, or `all`) apply?
    pub fn matches(self, engine: &str) -> bool {
        engine == "all" || engine == self.name() || engine == self.kind.name()
    }

    /// The runtime of this configuration, shared by every trial, caching compiled modules
    /// under the target directory.
    pub fn runtime(self) -> &'static Runtime {
        type Runtimes = Mutex<Vec<(EngineConfig, &'static Runtime)>>;
        static RUNTIMES: OnceLock<Runtimes> = OnceLock::new();
        let mut all = RUNTIMES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some((_, r)) = all.iter().find(|(c, _)| *c == self) {
            return r;
        }
        let tiered = self.tier == Tier::Auto;
        let settings = Settings {
            tier: self.tier,
            // The fixed tiers run on their own code only; the tiered configuration starts
            // every guest on the interpreter, with every tier's code made before it starts
            // (compiled, or from the cache the fixed tiers fill: the same code), so every
            // guest moves, early and at points that do not depend on how fast the machine
            // compiles.
            interpreter_threshold: tiered.then_some(0),
            tier_up_wait: tiered,
            move_again_after: self.restless,
            ..Settings::default()
        };
        // Every fixture's code on every compiling tier takes ~3 GB (more with the std
        // suites): under the default 2 GiB bound, each `cargo test` would evict and compile
        // again most of what the previous one left. Every configuration shares the directory,
        // so all of them bound it alike.
        let r = Runtime::with_settings(self.kind, settings)
            .unwrap_or_else(|e| panic!("{e}"))
            .cache_dir(crate::target_dir().join("wasmexec-cache"))
            .cache_limit(8 << 30);
        let r: &'static Runtime = Box::leak(Box::new(r));
        all.push((self, r));
        r
    }
}

impl std::fmt::Display for EngineConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
