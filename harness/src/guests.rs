//! Building the Go guests (once per content and Go version) and reading them with walrus.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{bail, Context as _, Result};
use sha2::{Digest, Sha256};

/// `go version` output, e.g. `go version go1.26.8 linux/amd64`.
pub fn go_version() -> Result<String> {
    static V: OnceLock<Result<String, String>> = OnceLock::new();
    V.get_or_init(|| {
        let out = Command::new("go")
            .arg("version")
            .output()
            .map_err(|e| format!("running go: {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    })
    .clone()
    .map_err(anyhow::Error::msg)
}

/// `go env GOROOT`.
pub fn goroot() -> Result<PathBuf> {
    let out = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .context("running go env")?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// The toolchain's directory of wasm support files: `lib/wasm`, or `misc/wasm` before Go 1.24.
pub fn wasm_support_dir() -> Result<PathBuf> {
    let root = goroot()?;
    ["lib/wasm", "misc/wasm"]
        .iter()
        .map(|rel| root.join(rel))
        .find(|p| p.join("wasm_exec.js").exists())
        .with_context(|| {
            format!(
                "no lib/wasm or misc/wasm with wasm_exec.js under {}",
                root.display()
            )
        })
}

/// The toolchain's own `wasm_exec.js`.
pub fn wasm_exec_js() -> Result<PathBuf> {
    Ok(wasm_support_dir()?.join("wasm_exec.js"))
}

fn hash_tree(dir: &Path, h: &mut Sha256) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            hash_tree(&p, h)?;
        } else {
            h.update(
                p.strip_prefix(dir)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .as_bytes(),
            );
            h.update(std::fs::read(&p)?);
        }
    }
    Ok(())
}

/// Builds every guest under `go-guests/` into `target/guests/<hash>/`, once for each content
/// and Go version (a single `go build` of all packages); returns that directory.
pub fn build_all() -> Result<PathBuf> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| build_all_uncached().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn build_all_uncached() -> Result<PathBuf> {
    let src = crate::repo_root().join("go-guests");
    let mut h = Sha256::new();
    h.update(go_version()?.as_bytes());
    hash_tree(&src, &mut h)?;
    let key: String = h
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect();
    let out = crate::target_dir().join("guests").join(&key);
    if out.join(".complete").exists() {
        return Ok(out);
    }
    std::fs::create_dir_all(&out)?;
    // -buildvcs=false: otherwise Go stamps the git revision into every binary, so each commit
    // would change every guest and miss the compiled-module cache.
    let status = Command::new("go")
        .args(["build", "-trimpath", "-buildvcs=false", "-o"])
        .arg(format!("{}/", out.display()))
        .arg("./...")
        .current_dir(&src)
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .env("GOFLAGS", "-mod=mod")
        .status()
        .context("running `go build` (is Go on PATH?)")?;
    if !status.success() {
        bail!("go build of go-guests failed");
    }
    std::fs::write(out.join(".complete"), b"")?;
    Ok(out)
}

/// What walrus reads from a guest module.
#[derive(Clone, Debug)]
pub struct GuestInfo {
    /// The import module of the Go ABI: `gojs` (Go 1.21+) or `go`.
    pub import_module: String,
    /// Every imported function, `module.name`.
    pub imports: Vec<String>,
    /// Export names.
    pub exports: Vec<String>,
}

/// Reads a guest module's imports and exports.
pub fn inspect(wasm: &[u8]) -> Result<GuestInfo> {
    let module = walrus::ModuleConfig::new()
        .parse(wasm)
        .context("walrus could not read the module")?;
    let imports: Vec<String> = module
        .imports
        .iter()
        .map(|i| format!("{}.{}", i.module, i.name))
        .collect();
    let import_module = module
        .imports
        .iter()
        .map(|i| i.module.clone())
        .find(|m| m == "gojs" || m == "go")
        .unwrap_or_default();
    let exports = module.exports.iter().map(|e| e.name.clone()).collect();
    Ok(GuestInfo {
        import_module,
        imports,
        exports,
    })
}
