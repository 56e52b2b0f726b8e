// Command funcof_object_methods publishes a global object "api" whose
// properties are Go functions, so that the host calls them as methods
// ("api.add") with the object as this.
package main

import (
	"fmt"
	"strings"
	"syscall/js"
)

func main() {
	api := js.Global().Get("Object").New()
	api.Set("name", "calculator")
	counter := 0

	api.Set("add", js.FuncOf(func(this js.Value, args []js.Value) any {
		sum := 0.0
		for _, a := range args {
			sum += a.Float()
		}
		fmt.Printf("add(%d args) = %v\n", len(args), sum)
		return sum
	}))
	api.Set("concat", js.FuncOf(func(this js.Value, args []js.Value) any {
		parts := make([]string, len(args))
		for i, a := range args {
			parts[i] = a.String()
		}
		return strings.Join(parts, "+")
	}))
	api.Set("increment", js.FuncOf(func(this js.Value, args []js.Value) any {
		counter++
		this.Set("lastCount", counter)
		return counter
	}))
	api.Set("whoami", js.FuncOf(func(this js.Value, args []js.Value) any {
		return fmt.Sprintf("this.name=%s lastCount=%s", this.Get("name").String(), this.Get("lastCount").String())
	}))

	nested := js.Global().Get("Object").New()
	nested.Set("ping", js.FuncOf(func(this js.Value, args []js.Value) any { return "pong" }))
	api.Set("nested", nested)

	js.Global().Set("api", api)
	fmt.Println("api object published")
	select {}
}
