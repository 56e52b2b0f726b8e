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

	// Accounts are plain objects whose methods use `this`; the host reaches them through
	// handles (instance.handle("accounts.alice")) and calls their methods with them as this.
	accounts := js.Global().Get("Object").New()
	js.Global().Set("accounts", accounts)
	deposit := js.FuncOf(func(this js.Value, args []js.Value) any {
		balance := this.Get("balance").Int() + args[0].Int()
		this.Set("balance", balance)
		return balance
	})
	js.Global().Set("openAccount", js.FuncOf(func(this js.Value, args []js.Value) any {
		acct := js.Global().Get("Object").New()
		acct.Set("owner", args[0])
		acct.Set("balance", 0)
		acct.Set("deposit", deposit)
		accounts.Set(args[0].String(), acct)
		return acct
	}))
	// Are both arguments the same object?
	js.Global().Set("same", js.FuncOf(func(this js.Value, args []js.Value) any {
		return len(args) == 2 && args[0].Equal(args[1])
	}))
	// An async Go function: returns a Promise settled from a goroutine.
	js.Global().Set("asyncSquare", js.FuncOf(func(this js.Value, args []js.Value) any {
		n := args[0].Int()
		executor := js.FuncOf(func(this js.Value, cb []js.Value) any {
			resolve, reject := cb[0], cb[1]
			go func() {
				if n < 0 {
					reject.Invoke(js.Global().Get("Error").New("negative input"))
					return
				}
				resolve.Invoke(n * n)
			}()
			return nil
		})
		return js.Global().Get("Promise").New(executor)
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
