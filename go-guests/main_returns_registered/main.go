// Command main_returns_registered publishes a global function and then lets
// main return. The program exits with status 0 at that point, so a later
// host call to the function finds the guest gone.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	js.Global().Set("greet", js.FuncOf(func(this js.Value, args []js.Value) any {
		fmt.Println("greet called (should never happen)")
		return "hello"
	}))
	fmt.Println("greet published; main returns now")
}
