//! Fixture specs (`fixtures/<name>.toml`) and their JSON form for the Node driver.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use serde::Deserialize;
use serde_json::{json, Value as Json};
use wasmexec::JsValue;

/// A fixture spec.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// What the fixture checks.
    pub description: String,
    /// Guest arguments after `argv[0]`.
    #[serde(default)]
    pub args: Vec<String>,
    /// The guest environment.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Standard input.
    #[serde(default)]
    pub stdin: String,
    /// Give the guest a fresh, empty, writable directory, named by `$FSROOT` (mounted at its
    /// own host path, as Node sees the host file system).
    #[serde(default)]
    pub fs: bool,
    /// Host directories to mount at guest paths (fresh for each run, with the given files);
    /// the reference runs Node in a mount namespace with the same view.
    #[serde(default)]
    pub mounts: Vec<MountSpec>,
    /// The guest's initial working directory (with `mounts`; default `/`).
    pub cwd: Option<String>,
    /// Run without privileges over the files (with `mounts`), so permission bits apply even
    /// when the harness runs as root.
    #[serde(default)]
    pub unprivileged: bool,
    /// Host-side steps once the guest is idle.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Answers to waPC host calls.
    #[serde(default)]
    pub host_calls: Vec<HostCall>,
    /// Deliberate differences from the reference, per engine.
    #[serde(default)]
    pub known_differences: Vec<KnownDifference>,
    /// The program in go-guests/ to run (default: the fixture's own name), so that several
    /// fixtures can run one program differently.
    pub guest: Option<String>,
    /// The host's time zone (IANA name): Node runs with `TZ` set to it, our runtime with
    /// `Config::time_zone`. Default UTC, so no snapshot depends on where it was made.
    pub tz: Option<String>,
    /// Hosts the guest may `fetch` from (`Config::allow_net`); by default it has no `fetch`.
    /// Node always has one, so the reference needs nothing.
    #[serde(default)]
    pub allow_net: Vec<String>,
    /// The oldest Go release whose build of the guest behaves the same from run to run; older
    /// releases' trials are skipped with the reason (as under Node, the guest's own runtime
    /// decides, and no host can make it agree with itself).
    pub needs_go: Option<NeedsGo>,
}

/// A Go release a fixture's guest needs, and why older ones cannot be compared.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct NeedsGo {
    /// `major.minor`, e.g. `1.23`.
    pub version: String,
    /// What older releases' builds do instead (under Node too).
    pub reason: String,
}

impl NeedsGo {
    /// `(major, minor)` of [`NeedsGo::version`].
    pub fn minor(&self) -> Result<(u32, u32)> {
        let mut parts = self.version.split('.');
        let mut next = || -> Result<u32> {
            parts
                .next()
                .and_then(|p| p.parse().ok())
                .with_context(|| format!("needs_go version {:?} is not major.minor", self.version))
        };
        let minor = (next()?, next()?);
        if parts.next().is_some() {
            bail!("needs_go version {:?} is not major.minor", self.version);
        }
        Ok(minor)
    }
}

impl Spec {
    /// The guest program of fixture `name`.
    pub fn guest_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.guest.as_deref().unwrap_or(name)
    }

    /// The host time zone the fixture runs in.
    pub fn time_zone(&self) -> &str {
        self.tz.as_deref().unwrap_or("UTC")
    }
}

/// A mount of a fixture.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct MountSpec {
    /// Where the guest sees it: absolute, normalised, not `/`.
    pub guest: String,
    /// Mounted read-only.
    #[serde(default)]
    pub read_only: bool,
    /// Files created in it before the run (`path = "content"`; a path ending in `/` is a
    /// directory).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// One step.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Call this global function (or `object.method`).
    pub call: Option<String>,
    /// Arguments of the call.
    #[serde(default)]
    pub args: Vec<toml::Value>,
    /// waPC-invoke this operation.
    pub invoke: Option<String>,
    /// Its payload (UTF-8 text).
    pub payload: Option<String>,
}

/// An answer to a waPC host call.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct HostCall {
    /// Binding.
    pub binding: String,
    /// Namespace.
    pub namespace: String,
    /// Operation.
    pub operation: String,
    /// Response template (`{payload}` is replaced).
    pub response: Option<String>,
    /// Or an error message.
    pub error: Option<String>,
}

impl HostCall {
    /// The answer to `payload`.
    pub fn answer(&self, payload: &[u8]) -> Result<Vec<u8>, String> {
        match (&self.response, &self.error) {
            (Some(t), _) => Ok(t
                .replace("{payload}", &String::from_utf8_lossy(payload))
                .into_bytes()),
            (None, Some(e)) => Err(e.clone()),
            (None, None) => Err("host call answer has neither response nor error".into()),
        }
    }
}

/// A declared, deliberate difference between an engine and the reference.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct KnownDifference {
    /// The engine (`wasmtime`, `wasmer`, `wasmi`) or `all`.
    pub engine: String,
    /// Why it differs.
    pub reason: String,
}

impl Spec {
    /// Reads and checks a spec.
    pub fn load(path: &Path) -> Result<Spec> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let spec: Spec =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let bad = |msg: String| anyhow::anyhow!("{}: {msg}", path.display());
        if spec.fs && !spec.mounts.is_empty() {
            return Err(bad("`fs` and `mounts` exclude each other".into()));
        }
        if spec.mounts.is_empty() && (spec.cwd.is_some() || spec.unprivileged) {
            return Err(bad("`cwd` and `unprivileged` need `mounts`".into()));
        }
        for (i, m) in spec.mounts.iter().enumerate() {
            let normal = m.guest.starts_with('/')
                && m.guest.len() > 1
                && m.guest[1..]
                    .split('/')
                    .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains(':'));
            if !normal || spec.mounts[..i].iter().any(|o| o.guest == m.guest) {
                return Err(bad(format!(
                    "mount {:?} must be a unique absolute normalised path other than `/`",
                    m.guest
                )));
            }
            if m.files
                .keys()
                .any(|f| f.starts_with('/') || f.split('/').any(|c| c == ".."))
            {
                return Err(bad(format!(
                    "files of mount {:?} must stay inside it",
                    m.guest
                )));
            }
        }
        if let Some(needs) = &spec.needs_go {
            needs.minor().map_err(|e| bad(e.to_string()))?;
        }
        for (i, s) in spec.steps.iter().enumerate() {
            if s.call.is_some() == s.invoke.is_some() {
                bail!(
                    "{}: step {} needs exactly one of `call` and `invoke`",
                    path.display(),
                    i + 1
                );
            }
            for a in &s.args {
                arg_value(a).with_context(|| format!("{}: step {}", path.display(), i + 1))?;
            }
        }
        Ok(spec)
    }

    /// The JSON spec the Node driver reads.
    pub fn to_json(&self, name: &str, extra_env: &[(String, String)]) -> Result<Json> {
        let steps: Vec<Json> = self
            .steps
            .iter()
            .map(|s| -> Result<Json> {
                Ok(match (&s.call, &s.invoke) {
                    (Some(c), _) => json!({"call": c, "args": s.args.iter().map(arg_json).collect::<Result<Vec<_>>>()?}),
                    (_, Some(op)) => json!({"invoke": op, "payload": s.payload.clone().unwrap_or_default()}),
                    _ => unreachable!("checked at load"),
                })
            })
            .collect::<Result<_>>()?;
        let host_calls: Vec<Json> = self
            .host_calls
            .iter()
            .map(|h| {
                let mut o = json!({"binding": h.binding, "namespace": h.namespace, "operation": h.operation});
                if let Some(r) = &h.response {
                    o["response"] = json!(r);
                }
                if let Some(e) = &h.error {
                    o["error"] = json!(e);
                }
                o
            })
            .collect();
        let mut env = self.env.clone();
        env.extend(extra_env.iter().cloned());
        let mut spec = json!({
            "name": name, "args": self.args, "env": env, "stdin": self.stdin,
            "steps": steps, "host_calls": host_calls,
        });
        if let Some(cwd) = &self.cwd {
            spec["cwd"] = json!(cwd);
        }
        Ok(spec)
    }
}

fn special<'a>(t: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    (t.len() == 1).then(|| t.get(key)).flatten()
}

/// A TOML argument in the VALUE JSON encoding.
pub fn arg_json(v: &toml::Value) -> Result<Json> {
    Ok(match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(*i as f64),
        toml::Value::Float(f) => crate::encoding::number_json(*f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Array(a) => Json::Array(a.iter().map(arg_json).collect::<Result<_>>()?),
        toml::Value::Table(t) => {
            if t.keys().any(|k| k.starts_with('$')) {
                arg_value(v)?; // validates
                let (k, val) = t.iter().next().expect("one key");
                return Ok(match k.as_str() {
                    "$null" => Json::Null,
                    _ => json!({ k.as_str(): toml_to_json(val) }),
                });
            }
            let mut m = serde_json::Map::new();
            for (k, v) in t {
                m.insert(k.clone(), arg_json(v)?);
            }
            Json::Object(m)
        }
        toml::Value::Datetime(_) => bail!("datetimes are not JS values"),
    })
}

fn toml_to_json(v: &toml::Value) -> Json {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Integer(i) => json!(i),
        other => json!(other.to_string()),
    }
}

/// A TOML argument as a JS value for the runtime.
pub fn arg_value(v: &toml::Value) -> Result<JsValue> {
    Ok(match v {
        toml::Value::String(s) => JsValue::from(s.as_str()),
        toml::Value::Integer(i) => JsValue::Number(*i as f64),
        toml::Value::Float(f) => JsValue::Number(*f),
        toml::Value::Boolean(b) => JsValue::Bool(*b),
        toml::Value::Array(a) => JsValue::Array(a.iter().map(arg_value).collect::<Result<_>>()?),
        toml::Value::Table(t) => {
            if special(t, "$undefined").is_some() {
                JsValue::Undefined
            } else if special(t, "$null").is_some() {
                JsValue::Null
            } else if let Some(toml::Value::String(s)) = special(t, "$bytes") {
                JsValue::Bytes(s.as_bytes().to_vec())
            } else if let Some(toml::Value::String(h)) = special(t, "$hex") {
                JsValue::Bytes(crate::encoding::from_hex(h).context("bad $hex")?)
            } else if t.keys().any(|k| k.starts_with('$')) {
                bail!("unknown special value {t}");
            } else {
                JsValue::Object(
                    t.iter()
                        .map(|(k, v)| Ok((k.clone(), arg_value(v)?)))
                        .collect::<Result<_>>()?,
                )
            }
        }
        toml::Value::Datetime(_) => bail!("datetimes are not JS values"),
    })
}

#[cfg(test)]
mod tests {
    use super::NeedsGo;

    fn needs(version: &str) -> NeedsGo {
        NeedsGo {
            version: version.into(),
            reason: String::new(),
        }
    }

    #[test]
    fn needs_go_takes_major_minor_only() {
        assert_eq!(needs("1.23").minor().unwrap(), (1, 23));
        for bad in ["1", "1.23.4", "1.x", "", "go1.23"] {
            assert!(needs(bad).minor().is_err(), "{bad:?} accepted");
        }
    }
}
