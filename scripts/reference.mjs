#!/usr/bin/env node
// Reference driver for the wasmexec conformance harness.
//
// Runs a Go program compiled with GOOS=js GOARCH=wasm under Node, using the
// Go toolchain's own, unmodified wasm_exec.js, inside a controlled host world
// (captured stdio, synchronous fs, `harness` and `wapc` globals), executes the
// steps of a spec and prints one JSON transcript on stdout.
//
// Plain Node (>= 20), no npm dependencies. See scripts/README.md.

import nodeFs from "node:fs";
import nodePath from "node:path";
import nodeUtil from "node:util";
import nodeCrypto from "node:crypto";
import { Console } from "node:console";
import { Writable } from "node:stream";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const HELP = `usage: node scripts/reference.mjs [--wasm-exec FILE] --wasm FILE --spec FILE [--timeout SECONDS]

Runs a GOOS=js GOARCH=wasm guest under Node with the Go toolchain's own,
unmodified wasm_exec.js and prints the conformance transcript (one JSON
document) on stdout. Exits 0 whenever a transcript was produced, even if the
guest exited non-zero or trapped (the trap is recorded in the transcript).

options:
  --wasm-exec FILE   wasm_exec.js to load (default: $(go env GOROOT)/lib/wasm/wasm_exec.js,
                     falling back to $(go env GOROOT)/misc/wasm/wasm_exec.js)
  --wasm FILE        the guest module
  --spec FILE        the JSON run spec:
                       {"name": "hello", "args": ["a"], "env": {"K": "v"}, "stdin": "text",
                        "steps": [{"call": "add", "args": [VALUE...]}, {"invoke": "op", "payload": "text"}],
                        "host_calls": [{"binding": "b", "namespace": "n", "operation": "o",
                                        "response": "got {payload}" | "error": "text"}],
                        "cwd": "/dir" (optional: the working directory the guest starts in)}
  --timeout SECONDS  give up (driver failure, exit 1) if the run takes longer; default: no limit
  -h, --help         show this text

transcript:
  {"exit_code": N | null, "stdout": "...", "stderr": "...", "steps": [...], "wapc": [...],
   "trap": "message" (only if the guest trapped)}

Driver failures print "reference: <message>" on stderr and exit 1.`;

// ---------------------------------------------------------------------------
// failure handling

class DriverError extends Error {}

// REFERENCE_DEBUG=1: explain on stderr how each guest entry ended (diagnostics only)
const DEBUG = !!process.env.REFERENCE_DEBUG;
function debug(msg) {
  if (DEBUG) nodeFs.writeSync(2, `reference-debug: ${msg}\n`);
}

function fail(message) {
  try {
    nodeFs.writeSync(2, `reference: ${message}\n`);
  } finally {
    process.exit(1);
  }
}

function errorMessage(err) {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return Object.prototype.toString.call(err);
  }
}

// ---------------------------------------------------------------------------
// command line

function parseArgs(argv) {
  const opts = { wasmExec: null, wasm: null, spec: null, timeout: null };
  const names = { "--wasm-exec": "wasmExec", "--wasm": "wasm", "--spec": "spec", "--timeout": "timeout" };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(HELP + "\n");
      process.exit(0);
    }
    let value;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const key = names[arg];
    if (key === undefined) throw new DriverError(`unknown argument ${JSON.stringify(argv[i])} (see --help)`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new DriverError(`${arg} needs a value`);
      value = argv[++i];
    }
    opts[key] = value;
  }
  if (opts.wasm === null) throw new DriverError("missing --wasm (see --help)");
  if (opts.spec === null) throw new DriverError("missing --spec (see --help)");
  if (opts.timeout !== null) {
    const t = Number(opts.timeout);
    if (!Number.isFinite(t) || t <= 0) throw new DriverError(`bad --timeout ${JSON.stringify(opts.timeout)}`);
    opts.timeout = t;
  }
  return opts;
}

function defaultWasmExec() {
  let goroot;
  try {
    goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (err) {
    throw new DriverError(`cannot run "go env GOROOT" to locate wasm_exec.js (use --wasm-exec): ${errorMessage(err)}`);
  }
  if (goroot === "") throw new DriverError(`"go env GOROOT" printed nothing (use --wasm-exec)`);
  for (const rel of ["lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"]) {
    const p = nodePath.join(goroot, rel);
    if (nodeFs.existsSync(p)) return p;
  }
  throw new DriverError(`no wasm_exec.js under ${goroot} (lib/wasm or misc/wasm); use --wasm-exec`);
}

function readFile(what, p) {
  try {
    return nodeFs.readFileSync(p);
  } catch (err) {
    throw new DriverError(`cannot read ${what} ${p}: ${errorMessage(err)}`);
  }
}

// ---------------------------------------------------------------------------
// spec

function isPlainJsonObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseSpec(text, file) {
  let spec;
  try {
    spec = JSON.parse(text);
  } catch (err) {
    throw new DriverError(`spec ${file} is not valid JSON: ${errorMessage(err)}`);
  }
  const bad = (msg) => new DriverError(`spec ${file}: ${msg}`);
  if (!isPlainJsonObject(spec)) throw bad("must be a JSON object");
  const known = new Set(["name", "args", "env", "stdin", "steps", "host_calls", "cwd"]);
  for (const k of Object.keys(spec)) if (!known.has(k)) throw bad(`unknown key ${JSON.stringify(k)}`);

  if (typeof spec.name !== "string") throw bad(`"name" must be a string`);
  const args = spec.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) throw bad(`"args" must be an array of strings`);
  const env = spec.env ?? {};
  if (!isPlainJsonObject(env) || !Object.values(env).every((v) => typeof v === "string"))
    throw bad(`"env" must be an object of strings`);
  const cwd = spec.cwd ?? null;
  if (cwd !== null && typeof cwd !== "string") throw bad(`"cwd" must be a string`);
  const stdin = spec.stdin ?? "";
  if (typeof stdin !== "string") throw bad(`"stdin" must be a string`);

  const steps = spec.steps ?? [];
  if (!Array.isArray(steps)) throw bad(`"steps" must be an array`);
  const parsedSteps = steps.map((step, i) => {
    if (!isPlainJsonObject(step)) throw bad(`steps[${i}] must be an object`);
    if (typeof step.call === "string" && !("invoke" in step)) {
      for (const k of Object.keys(step)) if (k !== "call" && k !== "args") throw bad(`steps[${i}]: unknown key ${JSON.stringify(k)}`);
      const a = step.args ?? [];
      if (!Array.isArray(a)) throw bad(`steps[${i}].args must be an array`);
      let decoded;
      try {
        decoded = a.map(decodeValue);
      } catch (err) {
        throw bad(`steps[${i}].args: ${errorMessage(err)}`);
      }
      return { kind: "call", name: step.call, args: decoded };
    }
    if (typeof step.invoke === "string" && !("call" in step)) {
      for (const k of Object.keys(step)) if (k !== "invoke" && k !== "payload") throw bad(`steps[${i}]: unknown key ${JSON.stringify(k)}`);
      let payload;
      if (step.payload === undefined) payload = new Uint8Array(0);
      else if (typeof step.payload === "string") payload = utf8Encode(step.payload);
      else {
        let v;
        try {
          v = decodeValue(step.payload);
        } catch (err) {
          throw bad(`steps[${i}].payload: ${errorMessage(err)}`);
        }
        if (!(v instanceof Uint8Array)) throw bad(`steps[${i}].payload must be a string, {"$bytes"} or {"$hex"}`);
        payload = v;
      }
      return { kind: "invoke", op: step.invoke, payload };
    }
    throw bad(`steps[${i}] must have exactly one of "call" or "invoke" (a string)`);
  });

  const hostCalls = spec.host_calls ?? [];
  if (!Array.isArray(hostCalls)) throw bad(`"host_calls" must be an array`);
  const parsedHostCalls = hostCalls.map((h, i) => {
    if (!isPlainJsonObject(h)) throw bad(`host_calls[${i}] must be an object`);
    for (const k of Object.keys(h))
      if (!["binding", "namespace", "operation", "response", "error"].includes(k)) throw bad(`host_calls[${i}]: unknown key ${JSON.stringify(k)}`);
    for (const k of ["binding", "namespace", "operation"])
      if (typeof h[k] !== "string") throw bad(`host_calls[${i}].${k} must be a string`);
    const hasResponse = h.response !== undefined;
    const hasError = h.error !== undefined;
    if (hasResponse === hasError) throw bad(`host_calls[${i}] needs exactly one of "response" or "error"`);
    if (hasResponse && typeof h.response !== "string") throw bad(`host_calls[${i}].response must be a string`);
    if (hasError && typeof h.error !== "string") throw bad(`host_calls[${i}].error must be a string`);
    return { binding: h.binding, namespace: h.namespace, operation: h.operation, response: h.response, error: h.error };
  });

  return { name: spec.name, args, env, cwd, stdin: utf8Encode(stdin), steps: parsedSteps, hostCalls: parsedHostCalls };
}

// ---------------------------------------------------------------------------
// VALUE encoding

const utf8Encoder = new nodeUtil.TextEncoder();
// ignoreBOM: keep a leading U+FEFF as data instead of stripping it
const utf8Lossy = new nodeUtil.TextDecoder("utf-8", { ignoreBOM: true });
const utf8Strict = new nodeUtil.TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function utf8Encode(s) {
  return utf8Encoder.encode(s);
}

function utf8Decode(bytes) {
  return utf8Lossy.decode(bytes);
}

const TYPED_ARRAYS = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
];

function hexOf(bytes) {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function encodeBytes(bytes) {
  let text;
  try {
    text = utf8Strict.decode(bytes);
  } catch {
    return { $hex: hexOf(bytes) };
  }
  return { $bytes: text };
}

function encodeNumber(n) {
  if (Number.isNaN(n)) return { $number: "NaN" };
  if (n === Infinity) return { $number: "Infinity" };
  if (n === -Infinity) return { $number: "-Infinity" };
  if (Object.is(n, -0)) return { $number: "-0" };
  return n;
}

// JS value -> transcript JSON. `seen` guards against cycles.
function encodeValue(v, seen = new Set()) {
  switch (typeof v) {
    case "undefined":
      return { $undefined: true };
    case "boolean":
    case "string":
      return v;
    case "number":
      return encodeNumber(v);
    case "bigint":
      return { $bigint: v.toString() };
    case "symbol":
      return { $symbol: v.description ?? "" };
    case "function":
      return { $function: true };
  }
  if (v === null) return null;
  // object
  if (v instanceof Uint8Array) return encodeBytes(v); // (Uint8ClampedArray is not a Uint8Array)
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const type = TYPED_ARRAYS.find((t) => v instanceof globalThis[t]) ?? v.constructor?.name ?? "TypedArray";
    return { $typed: type, values: Array.from(v, (x) => encodeValue(x, seen)) };
  }
  if (v instanceof Error) return { $error: errorMessage(v) };
  if (seen.has(v)) return { $cycle: true };
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      const out = [];
      for (let i = 0; i < v.length; i++) out.push(encodeValue(v[i], seen));
      return out;
    }
    const out = {};
    for (const k of Object.keys(v)) {
      let x;
      try {
        x = v[k];
      } catch (err) {
        x = err instanceof Error ? err : new Error(errorMessage(err));
      }
      Object.defineProperty(out, k, { value: encodeValue(x, seen), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    seen.delete(v);
  }
}

function parseHex(s) {
  if (typeof s !== "string" || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new Error(`bad $hex ${JSON.stringify(s)}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// spec JSON -> JS value.
function decodeValue(j) {
  if (j === null || typeof j === "boolean" || typeof j === "string" || typeof j === "number") return j;
  if (Array.isArray(j)) return j.map(decodeValue);
  const keys = Object.keys(j);
  const tag = keys.find((k) => k.startsWith("$"));
  if (tag === undefined) {
    const out = {};
    for (const k of keys)
      Object.defineProperty(out, k, { value: decodeValue(j[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  const only = (...allowed) => {
    for (const k of keys) if (!allowed.includes(k)) throw new Error(`unexpected key ${JSON.stringify(k)} in ${tag} value`);
  };
  const val = j[tag];
  switch (tag) {
    case "$number":
      only("$number");
      switch (val) {
        case "NaN": return NaN;
        case "Infinity": return Infinity;
        case "-Infinity": return -Infinity;
        case "-0": return -0;
      }
      throw new Error(`bad $number ${JSON.stringify(val)}`);
    case "$undefined":
      only("$undefined");
      return undefined;
    case "$null":
      only("$null");
      return null;
    case "$bytes":
      only("$bytes");
      if (typeof val !== "string") throw new Error(`$bytes must be a string`);
      return utf8Encode(val);
    case "$hex":
      only("$hex");
      return parseHex(val);
    case "$typed": {
      only("$typed", "values");
      if (!TYPED_ARRAYS.includes(val)) throw new Error(`bad $typed ${JSON.stringify(val)}`);
      if (!Array.isArray(j.values)) throw new Error(`$typed needs a "values" array`);
      const items = j.values.map(decodeValue);
      return new globalThis[val](val.startsWith("Big") ? items.map((x) => BigInt(x)) : items);
    }
    case "$error":
      only("$error");
      return new Error(String(val));
  }
  throw new Error(`unknown value tag ${JSON.stringify(tag)}`);
}

// ---------------------------------------------------------------------------
// the run

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const wasmExecPath = nodePath.resolve(opts.wasmExec ?? defaultWasmExec());
  const spec = parseSpec(readFile("spec", opts.spec).toString("utf8"), opts.spec);
  const wasmBytes = readFile("wasm", opts.wasm);
  if (!nodeFs.existsSync(wasmExecPath)) throw new DriverError(`cannot read wasm_exec.js ${wasmExecPath}: no such file`);

  // ---- transcript state
  const stdoutChunks = [];
  const stderrChunks = [];
  const steps = [];
  const wapcLog = [];
  let exitCode = null;
  let trap = null; // message once the guest trapped
  let finished = false;
  let go = null;

  // ---- captured console: guests (and wasm_exec.js itself, e.g. the `debug`
  // import or "call to released function") may use it; it must never reach
  // the real stdout, which carries the transcript.
  const sink = (chunks) =>
    new Writable({
      write(chunk, encoding, cb) {
        chunks.push(Buffer.from(chunk, typeof chunk === "string" ? encoding : undefined));
        cb();
      },
    });
  globalThis.console = new Console({ stdout: sink(stdoutChunks), stderr: sink(stderrChunks), colorMode: false });

  // ---- our fs: every operation is done before the method returns; its callback runs from
  // the event loop as Node's do (setImmediate), except for writes to stdout and stderr, whose
  // callbacks run at once as in wasm_exec.js's own fs (so a js.FuncOf handler can print).
  let pendingCallbacks = 0; // fs callbacks not delivered yet keep the guest busy
  const later = (callback, ...args) => {
    pendingCallbacks++;
    setImmediate(() => {
      pendingCallbacks--;
      callback(...args);
    });
  };
  const errnoError = (code, syscall) => {
    const e = new Error(`${code}: ${syscall}`);
    e.code = code;
    e.syscall = syscall;
    return e;
  };
  let stdinPos = 0;
  const captureFor = (fd) => (fd === 1 ? stdoutChunks : fd === 2 ? stderrChunks : null);
  const hostFs = {
    constants: nodeFs.constants,
    writeSync(fd, buf, offset, length, position) {
      const chunks = captureFor(fd);
      if (chunks !== null) {
        const start = offset ?? 0;
        const end = length === undefined || length === null ? buf.length : start + length;
        const bytes = Buffer.from(buf.subarray(start, end)); // copy: buf may view guest memory
        chunks.push(bytes);
        return bytes.length;
      }
      if (fd === 0) throw errnoError("EBADF", "write");
      return nodeFs.writeSync(fd, buf, offset, length, position);
    },
    write(fd, buf, offset, length, position, callback) {
      const done = fd === 1 || fd === 2 ? callback : (...args) => later(callback, ...args);
      let n;
      try {
        n = this.writeSync(fd, buf, offset, length, position);
      } catch (err) {
        done(err);
        return;
      }
      done(null, n);
    },
    read(fd, buf, offset, length, position, callback) {
      let n;
      try {
        if (fd === 0) {
          if (position !== null && position !== undefined) throw errnoError("ESPIPE", "read");
          n = Math.max(0, Math.min(length, spec.stdin.length - stdinPos));
          buf.set(spec.stdin.subarray(stdinPos, stdinPos + n), offset);
          stdinPos += n;
        } else if (fd === 1 || fd === 2) {
          throw errnoError("EBADF", "read");
        } else {
          n = nodeFs.readSync(fd, buf, offset, length, position);
        }
      } catch (err) {
        later(callback, err);
        return;
      }
      later(callback, null, n);
    },
    close(fd, callback) {
      // never close the driver's own stdio (the transcript goes to fd 1)
      if (fd === 0 || fd === 1 || fd === 2) {
        later(callback, null);
        return;
      }
      delegate("close", [fd], callback);
    },
  };
  function delegate(name, args, callback) {
    let result;
    try {
      result = nodeFs[`${name}Sync`](...args);
    } catch (err) {
      later(callback, err);
      return;
    }
    later(callback, null, result);
  }
  for (const name of [
    "open", "fstat", "stat", "lstat", "readdir", "mkdir", "rmdir", "unlink", "rename", "chmod", "fchmod",
    "chown", "fchown", "lchown", "utimes", "truncate", "ftruncate", "readlink", "link", "symlink", "fsync",
  ]) {
    hostFs[name] = (...args) => {
      const callback = args.pop();
      delegate(name, args, callback);
    };
  }

  // ---- globals, as Go's wasm_exec_node.js sets them up (but with our fs)
  globalThis.fs = hostFs;
  globalThis.path = nodePath;
  globalThis.TextEncoder = nodeUtil.TextEncoder;
  globalThis.TextDecoder = nodeUtil.TextDecoder;
  globalThis.performance ??= (await import("node:perf_hooks")).performance;
  globalThis.crypto ??= nodeCrypto;

  globalThis.harness = {
    echo(x) {
      return x;
    },
    fail(msg) {
      throw new Error(msg);
    },
    apply(fn, ...args) {
      return fn(...args);
    },
  };

  // ---- waPC host side
  let currentInvoke = null; // { answer: null | {response: bytes} | {error: text} }
  const expectBytes = (fn, what, v) => {
    if (!(v instanceof Uint8Array)) throw new TypeError(`wapc.${fn}: ${what} must be a Uint8Array`);
    return new Uint8Array(v); // copy
  };
  globalThis.wapc = {
    __guest_response(payload) {
      const bytes = expectBytes("__guest_response", "payload", payload);
      wapcLog.push({ guest_response: encodeBytes(bytes) });
      if (currentInvoke !== null && currentInvoke.answer === null) currentInvoke.answer = { response: bytes };
    },
    __guest_error(message) {
      const text = utf8Decode(expectBytes("__guest_error", "message", message));
      wapcLog.push({ guest_error: text });
      if (currentInvoke !== null && currentInvoke.answer === null) currentInvoke.answer = { error: text };
    },
    __host_call(binding, namespace, operation, payload) {
      const b = utf8Decode(expectBytes("__host_call", "binding", binding));
      const n = utf8Decode(expectBytes("__host_call", "namespace", namespace));
      const o = utf8Decode(expectBytes("__host_call", "operation", operation));
      const p = expectBytes("__host_call", "payload", payload);
      const entry = { host_call: [b, n, o], payload: encodeBytes(p) };
      wapcLog.push(entry);
      const h = spec.hostCalls.find((x) => x.binding === b && x.namespace === n && x.operation === o);
      if (h !== undefined && h.response !== undefined) {
        const response = utf8Encode(h.response.split("{payload}").join(utf8Decode(p)));
        entry.response = encodeBytes(response);
        return [response, null];
      }
      const error = h !== undefined ? h.error : `no host call answer for ${b}/${n}/${o}`;
      entry.error = error;
      return [null, error];
    },
  };

  // ---- load the unmodified wasm_exec.js (a classic script defining globalThis.Go)
  try {
    createRequire(import.meta.url)(wasmExecPath);
  } catch (err) {
    throw new DriverError(`loading ${wasmExecPath}: ${errorMessage(err)}`);
  }
  if (typeof globalThis.Go !== "function") throw new DriverError(`${wasmExecPath} did not define globalThis.Go`);

  if (spec.cwd !== null) {
    try {
      process.chdir(spec.cwd);
    } catch (err) {
      throw new DriverError(`cwd ${spec.cwd}: ${errorMessage(err)}`);
    }
  }
  go = new globalThis.Go();
  go.argv = [spec.name + ".wasm", ...spec.args];
  go.env = { ...spec.env };
  go.exit = (code) => {
    exitCode = code;
  };

  let instance;
  try {
    ({ instance } = await WebAssembly.instantiate(wasmBytes, go.importObject));
  } catch (err) {
    throw new DriverError(`instantiating ${opts.wasm}: ${errorMessage(err)}`);
  }

  // Observe (never alter) exceptions leaving the guest's exported entry points,
  // so an exception reaching us can be told apart: escaped from the guest
  // (trap) or thrown by plain JS (e.g. a step calling harness.fail).
  // WebAssembly export objects are frozen, so wasm_exec.js gets a stand-in
  // Instance whose exports forward to the real ones.
  const escaped = new Set();
  const observed = (f) =>
    function (...args) {
      try {
        return f.apply(this, args);
      } catch (err) {
        escaped.add(err);
        throw err;
      }
    };
  const exports = {};
  for (const [k, v] of Object.entries(instance.exports)) exports[k] = typeof v === "function" ? observed(v) : v;
  const standIn = Object.create(WebAssembly.Instance.prototype, { exports: { value: Object.freeze(exports) } });

  const idle = () => go.exited || (go._scheduledTimeouts.size === 0 && pendingCallbacks === 0);
  const fromGuest = (err) => escaped.has(err) || err instanceof WebAssembly.RuntimeError;

  // An exception reached the top (a step, a Node timer, or go.run). Returns
  // true if it was accounted for (guest exit or trap); false means "not ours".
  const settleTopLevel = (err) => {
    debug(`exception reached the top: ${err?.constructor?.name}: ${errorMessage(err)}; exited=${!!go.exited} fromGuest=${fromGuest(err)}`);
    if (go.exited) return true; // e.g. wasm_exec.js touching this._inst after a nested exit
    if (fromGuest(err)) {
      if (trap === null) trap = errorMessage(err);
      return true;
    }
    return false;
  };

  process.on("uncaughtException", (err) => {
    if (finished) return;
    if (settleTopLevel(err)) return;
    fail(`uncaught exception: ${err instanceof Error && err.stack ? err.stack : errorMessage(err)}`);
  });
  process.on("unhandledRejection", (err) => {
    if (finished) return;
    fail(`unhandled rejection: ${err instanceof Error && err.stack ? err.stack : errorMessage(err)}`);
  });

  if (opts.timeout !== null) {
    setTimeout(() => fail(`timed out after ${opts.timeout}s`), opts.timeout * 1000).unref();
  }

  // ---- 1. start
  let runFailure = null;
  go.run(standIn).then(() => debug("go.run resolved (guest exited)"), (err) => {
    if (!settleTopLevel(err)) runFailure = err;
  });

  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  const checkRunFailure = () => {
    if (runFailure !== null) throw new DriverError(`go.run: ${errorMessage(runFailure)}`);
  };

  // ---- 2. wait for idle
  const waitIdle = async () => {
    await tick(); // let go.run's rejection (if any) be seen
    for (;;) {
      checkRunFailure();
      if (trap !== null || idle()) return;
      await tick();
    }
  };

  await waitIdle();

  // ---- 3. steps
  const exitedError = () => ({ kind: "exited", code: exitCode });

  const runCall = async (step) => {
    if (go.exited) return { call: step.name, error: exitedError() };
    // "f" = globalThis.f called with this=undefined; "a.b" (or "a.b.c") =
    // method b of globalThis.a called with this=a. An undefined link anywhere,
    // or a null/undefined object to look into, is "not_found".
    const parts = step.name.split(".");
    let thisArg;
    let fn = globalThis;
    for (const part of parts) {
      if (fn === undefined || fn === null) return { call: step.name, error: { kind: "not_found" } };
      thisArg = fn;
      fn = fn[part];
    }
    if (parts.length === 1) thisArg = undefined;
    if (fn === undefined) return { call: step.name, error: { kind: "not_found" } };
    if (typeof fn !== "function") return { call: step.name, error: { kind: "not_a_function" } };
    let result;
    try {
      result = Reflect.apply(fn, thisArg, step.args);
    } catch (err) {
      debug(`call ${step.name} threw (${err?.constructor?.name}: ${errorMessage(err)}); exited=${!!go.exited} fromGuest=${fromGuest(err)}`);
      if (go.exited) return { call: step.name, error: exitedError() };
      if (settleTopLevel(err)) return null; // trap
      return { call: step.name, error: { kind: "thrown", value: encodeValue(err) } };
    }
    debug(`call ${step.name} returned normally; exited=${!!go.exited}`);
    if (go.exited) return { call: step.name, error: exitedError() };
    const record = { call: step.name, result: encodeValue(result) };
    await waitIdle();
    return record;
  };

  const runInvoke = async (step) => {
    if (go.exited) return { invoke: step.op, error: exitedError() };
    wapcLog.push({ invoke: step.op, payload: encodeBytes(step.payload) });
    const guestCall = globalThis.__guest_call;
    if (guestCall === undefined) return { invoke: step.op, error: { kind: "not_found" } };
    if (typeof guestCall !== "function") return { invoke: step.op, error: { kind: "not_a_function" } };
    const inv = { answer: null };
    currentInvoke = inv;
    try {
      const answered = () => {
        if (inv.answer.response !== undefined) return { invoke: step.op, result: encodeBytes(inv.answer.response) };
        return { invoke: step.op, error: { kind: "guest_error", message: inv.answer.error } };
      };
      // Precedence, checked after __guest_call returns or throws:
      // trap > answer given during the call > exited > thrown > returned false.
      // A refusal (false) that came with a __guest_error message (the seed's guest package
      // does that for an unknown operation) is an unknown operation carrying that message.
      let ret;
      let threw = false;
      let thrown;
      try {
        ret = guestCall(step.op, new Uint8Array(step.payload));
        debug(`__guest_call(${step.op}) returned ${String(ret)}; exited=${!!go.exited}`);
      } catch (err) {
        debug(`__guest_call(${step.op}) threw (${err?.constructor?.name}: ${errorMessage(err)}); exited=${!!go.exited} fromGuest=${fromGuest(err)}`);
        if (!go.exited && settleTopLevel(err)) return null; // trap
        threw = true;
        thrown = err;
      }
      if (inv.answer !== null && ret === false && inv.answer.error !== undefined) {
        return { invoke: step.op, error: { kind: "unknown_operation", message: inv.answer.error } };
      }
      if (inv.answer !== null) return answered();
      if (go.exited) return { invoke: step.op, error: exitedError() };
      if (threw) return { invoke: step.op, error: { kind: "thrown", value: encodeValue(thrown) } };
      if (ret === false) return { invoke: step.op, error: { kind: "unknown_operation" } };
      for (;;) {
        if (inv.answer !== null) return answered();
        if (go.exited) return { invoke: step.op, error: exitedError() };
        checkRunFailure();
        if (trap !== null) return null;
        if (idle()) return { invoke: step.op, error: { kind: "no_answer" } };
        await tick();
      }
    } finally {
      currentInvoke = null;
    }
  };

  for (const step of spec.steps) {
    if (trap !== null) break;
    const record = step.kind === "call" ? await runCall(step) : await runInvoke(step);
    if (record === null) break; // the guest trapped during this step
    steps.push(record);
  }

  // ---- 4. no steps: the deadlock wake-up of wasm_exec_node.js
  if (spec.steps.length === 0 && trap === null && !go.exited) {
    go._pendingEvent = { id: 0 };
    try {
      go._resume();
      debug(`deadlock wake-up returned normally; exited=${!!go.exited}`);
    } catch (err) {
      if (!settleTopLevel(err)) throw new DriverError(`deadlock wake-up: ${errorMessage(err)}`);
    }
  }

  // ---- 6. transcript
  finished = true;
  for (const t of go._scheduledTimeouts.values()) clearTimeout(t);
  const transcript = {
    exit_code: exitCode,
    stdout: utf8Decode(Buffer.concat(stdoutChunks)),
    stderr: utf8Decode(Buffer.concat(stderrChunks)),
    steps,
    wapc: wapcLog,
  };
  if (trap !== null) transcript.trap = trap;
  process.stdout.write(JSON.stringify(transcript) + "\n", () => process.exit(0));
}

main().catch((err) => {
  fail(err instanceof DriverError ? err.message : err instanceof Error && err.stack ? err.stack : errorMessage(err));
});
