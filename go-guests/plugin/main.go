// Command plugin is the Go side of runtime/examples/embed.rs: a guest that a Rust program
// embeds. It uses a host object the embedder provides (myHost), publishes a function with
// js.FuncOf, and serves a waPC operation that calls back into the host.
package main

import (
	"runtime"
	"syscall/js"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func main() {
	host := js.Global().Get("myHost")
	host.Call("log", "plugin starting")

	js.Global().Set("add", js.FuncOf(func(this js.Value, args []js.Value) any {
		sum := 0.0
		for _, a := range args {
			sum += a.Float()
		}
		return sum
	}))

	// Returns an object of functions; the host calls them through the handles it gets back.
	js.Global().Set("makeCounter", js.FuncOf(func(this js.Value, args []js.Value) any {
		n := 0
		counter := js.Global().Get("Object").New()
		counter.Set("next", js.FuncOf(func(this js.Value, args []js.Value) any {
			n++
			return n
		}))
		return counter
	}))

	// Lets the host ask for a garbage collection, so dropped js.Values are finalized.
	js.Global().Set("collect", js.FuncOf(func(this js.Value, args []js.Value) any {
		runtime.GC()
		return nil
	}))

	wapc.RegisterFunctions(wapc.Functions{
		"greet": func(payload []byte) ([]byte, error) {
			name, err := wapc.HostCall("app", "users", "display_name", payload)
			if err != nil {
				return nil, err
			}
			greeting := "Hello, " + string(name) + "!"
			host.Call("log", "greeted "+string(payload))
			return []byte(greeting), nil
		},
	})
	select {}
}
