// Command js_nested_calls bounces calls between Go and the host several
// levels deep: Go calls harness.apply, which calls a Go function, which
// calls harness.apply again, and so on. It also publishes the same function
// so that a host step can start the chain from outside.
package main

import (
	"fmt"
	"strings"
	"syscall/js"
)

var (
	harness = js.Global().Get("harness")
	nest    js.Func
)

func main() {
	// nest(depth) returns a string describing the call chain below it.
	nest = js.FuncOf(func(this js.Value, args []js.Value) any {
		depth := args[0].Int()
		indent := strings.Repeat("  ", 6-depth)
		fmt.Printf("%senter level %d\n", indent, depth)
		if depth == 0 {
			fmt.Printf("%sbottom reached\n", indent)
			return "bottom"
		}
		inner := harness.Call("apply", nest, depth-1).String()
		fmt.Printf("%sleave level %d\n", indent, depth)
		return fmt.Sprintf("L%d(%s)", depth, inner)
	})

	fmt.Println("chain from main:", harness.Call("apply", nest, 5).String())

	// Arguments and results pass unchanged through every level.
	var sum js.Func
	sum = js.FuncOf(func(this js.Value, args []js.Value) any {
		n := args[0].Int()
		acc := args[1].Float()
		if n == 0 {
			return acc
		}
		return harness.Call("apply", sum, n-1, acc+float64(n)/2)
	})
	fmt.Println("sum through 20 levels:", harness.Call("apply", sum, 20, 0).Float())

	// A JS error raised at the bottom of the chain is caught by the Go frame
	// directly above it, and the chain continues.
	var guarded js.Func
	guarded = js.FuncOf(func(this js.Value, args []js.Value) any {
		depth := args[0].Int()
		if depth == 0 {
			return func() (msg string) {
				defer func() {
					if r := recover(); r != nil {
						msg = "caught: " + fmt.Sprint(r)
					}
				}()
				harness.Call("fail", "failure at the bottom")
				return "not reached"
			}()
		}
		return harness.Call("apply", guarded, depth-1)
	})
	fmt.Println("error at depth 3:", harness.Call("apply", guarded, 3).String())

	// Publish nest so that host steps can start a chain too.
	js.Global().Set("nest", nest)
	fmt.Println("nest published")
	select {}
}
