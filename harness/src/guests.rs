//! Building the Go guests (once per content and Go release) and reading them with walrus.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::releases::GoRelease;

use anyhow::{bail, Context as _, Result};
use sha2::{Digest, Sha256};

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

/// Builds every guest under `go-guests/` with `release` into `target/guests/<hash>/`, once for
/// each content and release (a single `go build` of all packages); returns that directory.
pub fn build_all(release: &GoRelease) -> Result<PathBuf> {
    type Built = Mutex<HashMap<GoRelease, Result<PathBuf, String>>>;
    static BUILT: OnceLock<Built> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    // One build at a time: trials of every engine wait for the same directory.
    let mut map = built.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = map.get(release) {
        return r.clone().map_err(anyhow::Error::msg);
    }
    let r = build_all_uncached(release).map_err(|e| format!("{e:#}"));
    map.insert(release.clone(), r.clone());
    r.map_err(anyhow::Error::msg)
}

fn build_all_uncached(release: &GoRelease) -> Result<PathBuf> {
    let src = crate::repo_root().join("go-guests");
    let mut h = Sha256::new();
    h.update(release.version_line()?.as_bytes());
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
    let status = release
        .go()
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
        bail!("go build of go-guests with Go {} failed", release.label());
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
