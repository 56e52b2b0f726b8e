// Command funcof_panics publishes a function whose handler panics when the
// host calls it. A panic inside a js.FuncOf handler is not recovered by the
// runtime: the program prints the panic and exits with status 2 in the middle
// of the host's call.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	js.Global().Set("ok", js.FuncOf(func(this js.Value, args []js.Value) any {
		fmt.Println("ok called")
		return "fine"
	}))
	js.Global().Set("boom", js.FuncOf(func(this js.Value, args []js.Value) any {
		fmt.Println("boom called, about to panic")
		var m map[string]int
		if args[0].String() == "nil map" {
			m["x"] = 1 // assignment to entry in nil map
		}
		return "not reached"
	}))
	fmt.Println("functions published")
	select {}
}
