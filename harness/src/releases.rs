//! The Go releases guests are built with: the `go` on PATH by default, others through
//! `GOTOOLCHAIN` (the Go module proxy serves every toolchain from 1.20 on), listed in
//! `WASMEXEC_GO_VERSIONS` (`default` names the one on PATH), e.g. `1.21.13,default,1.27.3`.
//! Go's std suites (see [`crate::std_suites`]) are built by the same releases unless
//! `WASMEXEC_STD_GO_VERSIONS` lists others (CI runs fewer suites than fixtures).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use anyhow::{bail, Context as _, Result};

/// A Go release.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GoRelease {
    /// `1.21.13`; `None` for the `go` on PATH.
    pub pinned: Option<String>,
}

impl GoRelease {
    /// The `go` on PATH.
    pub fn default_release() -> GoRelease {
        GoRelease { pinned: None }
    }

    /// The releases `WASMEXEC_GO_VERSIONS` lists (default: the `go` on PATH alone).
    pub fn from_env() -> Vec<GoRelease> {
        GoRelease::listed_in("WASMEXEC_GO_VERSIONS")
    }

    /// The releases the std suites are built by: `WASMEXEC_STD_GO_VERSIONS` if set and not
    /// empty, else the fixtures' ([`GoRelease::from_env`]).
    pub fn std_from_env() -> Vec<GoRelease> {
        match std::env::var("WASMEXEC_STD_GO_VERSIONS") {
            Ok(v) if !v.trim().is_empty() => GoRelease::listed_in("WASMEXEC_STD_GO_VERSIONS"),
            _ => GoRelease::from_env(),
        }
    }

    /// The releases the environment variable `var` lists (default: the `go` on PATH alone).
    pub fn listed_in(var: &str) -> Vec<GoRelease> {
        let list = std::env::var(var).unwrap_or_default();
        let mut out: Vec<GoRelease> = Vec::new();
        for v in list.split([',', ' ']).filter(|v| !v.is_empty()) {
            let r = match v.trim_start_matches("go") {
                "default" | "" => GoRelease::default_release(),
                v => GoRelease {
                    pinned: Some(v.to_string()),
                },
            };
            if !out.contains(&r) {
                out.push(r);
            }
        }
        if out.is_empty() {
            out.push(GoRelease::default_release());
        }
        out
    }

    /// A `go` command of this release (GOOS and GOARCH are the caller's).
    pub fn go(&self) -> Command {
        let mut cmd = Command::new("go");
        match &self.pinned {
            Some(v) => cmd.env("GOTOOLCHAIN", format!("go{v}")),
            // The `go` on PATH runs as itself, whatever go.mod files around ask for.
            None => cmd.env("GOTOOLCHAIN", "local"),
        };
        cmd
    }

    fn query(&self, args: &[&str]) -> Result<String> {
        type Memo = Mutex<HashMap<(GoRelease, String), String>>;
        static MEMO: OnceLock<Memo> = OnceLock::new();
        let key = (self.clone(), args.join(" "));
        let memo = MEMO.get_or_init(Default::default);
        if let Some(v) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(v.clone());
        }
        let out = self
            .go()
            .args(args)
            .output()
            .context("running go (is Go on PATH?)")?;
        if !out.status.success() {
            bail!(
                "go {} failed for {}: {}",
                args.join(" "),
                self.label(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
        memo.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, v.clone());
        Ok(v)
    }

    /// `go version` output, e.g. `go version go1.26.8 linux/amd64`.
    pub fn version_line(&self) -> Result<String> {
        self.query(&["version"])
    }

    /// The version number, e.g. `1.26.8`.
    pub fn version(&self) -> Result<String> {
        match &self.pinned {
            Some(v) => Ok(v.clone()),
            None => Ok(self
                .query(&["env", "GOVERSION"])?
                .trim_start_matches("go")
                .into()),
        }
    }

    /// The version for names and reports (`default` if `go` cannot tell).
    pub fn label(&self) -> String {
        match &self.pinned {
            Some(v) => v.clone(),
            None => self.version().unwrap_or_else(|_| "default".into()),
        }
    }

    /// `(major, minor)`, e.g. `(1, 21)`.
    pub fn minor(&self) -> Result<(u32, u32)> {
        let v = self.version()?;
        let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        Ok((parts.next().unwrap_or(0), parts.next().unwrap_or(0)))
    }

    /// `go env GOROOT`.
    pub fn goroot(&self) -> Result<PathBuf> {
        Ok(PathBuf::from(self.query(&["env", "GOROOT"])?))
    }

    /// Its own directory of wasm support files (`lib/wasm`, or `misc/wasm` before 1.24), if
    /// the toolchain ships one (those the module proxy serves before 1.24 do not).
    pub fn own_wasm_support_dir(&self) -> Result<Option<PathBuf>> {
        let root = self.goroot()?;
        Ok(["lib/wasm", "misc/wasm"]
            .iter()
            .map(|rel| root.join(rel))
            .find(|p| p.join("wasm_exec.js").exists()))
    }

    /// The wasm support files the reference uses for this release: its own, else the
    /// default toolchain's (the `gojs` ABI has not changed since 1.21).
    pub fn wasm_support_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = self.own_wasm_support_dir()? {
            return Ok(dir);
        }
        GoRelease::default_release()
            .own_wasm_support_dir()?
            .context("the default Go toolchain has no lib/wasm or misc/wasm with wasm_exec.js")
    }

    /// The `wasm_exec.js` the reference loads for this release.
    pub fn wasm_exec_js(&self) -> Result<PathBuf> {
        Ok(self.wasm_support_dir()?.join("wasm_exec.js"))
    }

    /// Guests of Go 1.20 import `go`, which today's `wasm_exec.js` does not provide: the
    /// reference runs the same fixture built by 1.21 instead.
    pub fn reference_release(&self) -> Result<GoRelease> {
        Ok(if self.minor()? < (1, 21) {
            GoRelease {
                pinned: Some("1.21.13".into()),
            }
        } else {
            self.clone()
        })
    }
}
