// Command cli_globals is written like library-style guests distributed on npm: the host
// creates an object before the program starts (`globalThis.mylib = {}`), and the program
// sets its functions on it. It also prints a configuration object the host provided.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	config := js.Global().Get("config")
	fmt.Println("config:", js.Global().Get("JSON").Call("stringify", config).String())
	lib := js.Global().Get("mylib")
	if lib.Type() != js.TypeObject {
		fmt.Println("no mylib object: run with --global 'mylib={}'")
		return
	}
	lib.Set("greet", js.FuncOf(func(this js.Value, args []js.Value) any {
		b := make([]byte, args[0].Length())
		js.CopyBytesToGo(b, args[0])
		return "hello, " + string(b) + " (version " + lib.Get("version").String() + ")"
	}))
	select {}
}
