//! The engine configurations trials run on: each engine compiled in, with each of its
//! compiler tiers (wasmtime's Cranelift and Winch, wasmer's Cranelift and Singlepass; wasmi
//! interprets).

use std::sync::{Mutex, OnceLock};

use wasmexec::{EngineKind, Runtime, Settings, Tier};

/// An engine and the compiler tier it runs guests with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EngineConfig {
    /// The engine.
    pub kind: EngineKind,
    /// Its compiler: [`Tier::Optimized`] or [`Tier::Baseline`].
    pub tier: Tier,
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
            })
            .collect();
        for kind in available {
            if kind != EngineKind::Wasmi {
                out.push(EngineConfig {
                    kind,
                    tier: Tier::Baseline,
                });
            }
        }
        out
    }

    /// `wasmtime`, `wasmtime-winch`, `wasmer`, `wasmer-singlepass`, `wasmi`.
    pub fn name(self) -> &'static str {
        match (self.kind, self.tier) {
            (EngineKind::Wasmtime, Tier::Baseline) => "wasmtime-winch",
            (EngineKind::Wasmer, Tier::Baseline) => "wasmer-singlepass",
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
        let settings = Settings {
            tier: self.tier,
            ..Settings::default()
        };
        let r = Runtime::with_settings(self.kind, settings)
            .unwrap_or_else(|e| panic!("{e}"))
            .cache_dir(crate::target_dir().join("wasmexec-cache"));
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
