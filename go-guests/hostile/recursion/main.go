// Command recursion makes two js.FuncOf functions call each other through the host, deeper
// than any host allows (argv[1] levels, default 100000): the host must refuse cleanly, as
// Node does with "Maximum call stack size exceeded", and never overflow its own stack.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall/js"
)

func main() {
	depth := 100000
	if len(os.Args) > 1 {
		depth, _ = strconv.Atoi(os.Args[1])
	}
	var ping, pong js.Func
	ping = js.FuncOf(func(this js.Value, args []js.Value) any {
		n := args[0].Int()
		if n >= depth {
			return n
		}
		return js.Global().Call("pong", n+1)
	})
	pong = js.FuncOf(func(this js.Value, args []js.Value) any {
		return js.Global().Call("ping", args[0].Int()+1)
	})
	js.Global().Set("ping", ping)
	js.Global().Set("pong", pong)
	fmt.Println("reached", js.Global().Call("ping", 0).Int())
}
