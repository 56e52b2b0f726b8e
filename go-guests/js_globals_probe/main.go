// Command js_globals_probe lists which JavaScript globals a Go program sees
// and of which js.Type each one is (undefined when the host does not
// provide it). It only reads properties of js.Global(); it calls nothing.
package main

import (
	"fmt"
	"syscall/js"
)

// names are the globals probed, in a fixed order.
var names = []string{
	// language built-ins
	"Object", "Function", "Array", "String", "Number", "Boolean", "Symbol", "BigInt",
	"Math", "JSON", "Reflect", "Proxy", "Date", "RegExp", "Error", "TypeError", "RangeError",
	"Map", "Set", "WeakMap", "WeakSet", "Promise",
	"ArrayBuffer", "DataView", "Uint8Array", "Int32Array", "Float64Array", "BigInt64Array",
	"parseInt", "parseFloat", "isNaN", "encodeURIComponent", "decodeURIComponent", "globalThis",
	// timers and scheduling
	"setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask",
	// web platform APIs
	"TextEncoder", "TextDecoder", "URL", "URLSearchParams", "structuredClone", "atob", "btoa",
	"AbortController", "Blob", "Headers", "Request", "Response", "fetch",
	"crypto", "performance", "console",
	// Node and wasm_exec.js host objects
	"process", "fs", "path",
}

func main() {
	g := js.Global()
	counts := map[js.Type]int{}
	for _, name := range names {
		t := g.Get(name).Type()
		counts[t]++
		fmt.Printf("%-20s %s\n", name, t)
	}
	fmt.Printf("%d globals: %d function, %d object, %d undefined\n",
		len(names), counts[js.TypeFunction], counts[js.TypeObject], counts[js.TypeUndefined])
	fmt.Println("globalThis is js.Global():", g.Get("globalThis").Equal(g))
}
