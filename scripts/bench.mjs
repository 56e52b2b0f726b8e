// Node side of the benchmarks (runtime/benches/roundtrip.rs runs it in the same run and prints
// ratios; scripts/bench gathers everything). Loads the Go toolchain's own, unmodified
// wasm_exec.js and measures the bench guest (go-guests/bench). Prints one JSON object.
//
//   node scripts/bench.mjs --wasm bench.wasm [--iterations N]
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import nodefs from "node:fs";
import nodepath from "node:path";

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const wasmPath = opt("--wasm");
const n = Number(opt("--iterations", "20000"));
if (!wasmPath) {
  console.error("usage: node scripts/bench.mjs --wasm bench.wasm [--iterations N]");
  process.exit(1);
}
const goroot = execFileSync("go", ["env", "GOROOT"]).toString().trim();
let wasmExec = nodepath.join(goroot, "lib/wasm/wasm_exec.js");
if (!nodefs.existsSync(wasmExec)) wasmExec = nodepath.join(goroot, "misc/wasm/wasm_exec.js");

// The guest's stdout is captured; fs callbacks complete synchronously, as in the reference
// driver and in wasmexec, so both sides do the same work per write.
let out = "";
const decoder = new TextDecoder();
const enosys = () => Object.assign(new Error("not implemented"), { code: "ENOSYS" });
globalThis.fs = new Proxy(
  {
    constants: nodefs.constants,
    writeSync(fd, buf) {
      out += decoder.decode(buf);
      return buf.length;
    },
    write(fd, buf, offset, length, position, cb) {
      out += decoder.decode(buf.subarray(offset, offset + length));
      cb(null, length);
    },
  },
  {
    get(target, key) {
      if (key in target) return target[key];
      return (...args) => args[args.length - 1](enosys());
    },
  },
);
globalThis.path = nodepath;
require(wasmExec);

const module = await WebAssembly.compile(nodefs.readFileSync(wasmPath));

async function start(args) {
  const go = new Go();
  go.argv = ["bench", ...args];
  go.env = {};
  go.exit = () => {};
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const done = go.run(instance);
  return { go, done };
}

async function runToExit(args) {
  out = "";
  const { done } = await start(args);
  await done;
  return out;
}

const field = (text, name) => Number(text.match(new RegExp(`${name} (\\d+)`))[1]);
const result = {};

let text = await runToExit(["js", String(n * 5)]);
for (const name of ["get_ns", "set_ns", "call_ns", "copy_ns"]) result[name] = field(text, name);
text = await runToExit(["cpu"]);
result.cpu_ms = field(text, "cpu_ms");

const starts = 20;
let t = performance.now();
for (let i = 0; i < starts; i++) await runToExit(["exit"]);
result.start_ms = (performance.now() - t) / starts;

// Instantiating a guest that then waits for calls (a plugin's start-up), as the embedding
// throughput benchmark does: `new Go()`, instantiate, run main until it blocks.
t = performance.now();
for (let i = 0; i < starts; i++) await start(["serve"]);
result.serve_start_ms = (performance.now() - t) / starts;

await start(["serve"]);
const payload = new Uint8Array([1, 2, 3, 4]);
t = performance.now();
for (let i = 0; i < n; i++) globalThis.echo(payload);
result.call_us = ((performance.now() - t) * 1000) / n;

let answer = null;
globalThis.wapc = {
  __guest_response(b) {
    answer = b;
  },
  __guest_error(m) {
    answer = m;
  },
  __host_call() {
    return [null, "no host calls in the benchmark"];
  },
};
t = performance.now();
for (let i = 0; i < n; i++) {
  answer = null;
  globalThis.__guest_call("echo", payload);
  while (answer === null) await new Promise((r) => setImmediate(r));
}
result.invoke_us = ((performance.now() - t) * 1000) / n;

console.log(JSON.stringify(result));
process.exit(0);
