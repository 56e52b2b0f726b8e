// Command js_host_error calls host functions that throw. Each failure
// surfaces in Go as a panic with a js.Error value, which is recovered and
// inspected with errors.As.
package main

import (
	"errors"
	"fmt"
	"syscall/js"
)

var harness = js.Global().Get("harness")

// callHost runs f and converts a js.Error panic into an error value.
func callHost(f func() js.Value) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("host call failed: %w", e)
		}
	}()
	return f(), nil
}

func main() {
	v, err := callHost(func() js.Value { return harness.Call("echo", "fine") })
	fmt.Printf("echo: value=%q err=%v\n", v.String(), err)

	_, err = callHost(func() js.Value { return harness.Call("fail", "disk on fire") })
	fmt.Println("fail error:", err)
	var jsErr js.Error
	if errors.As(err, &jsErr) {
		fmt.Println("errors.As js.Error: true")
		fmt.Println("  Error():", jsErr.Error())
		fmt.Println("  message:", jsErr.Get("message").String())
		fmt.Println("  name:", jsErr.Get("name").String())
		fmt.Println("  InstanceOf Error:", jsErr.InstanceOf(js.Global().Get("Error")))
	} else {
		fmt.Println("errors.As js.Error: false")
	}

	// A failure through Invoke of the function value.
	_, err = callHost(func() js.Value { return harness.Get("fail").Invoke("invoked failure") })
	fmt.Println("Invoke error:", err)

	// Unicode and empty messages.
	_, err = callHost(func() js.Value { return harness.Call("fail", "ünïcode ✗ 😀") })
	fmt.Println("unicode error:", err)
	_, err = callHost(func() js.Value { return harness.Call("fail", "") })
	fmt.Println("empty message error:", err)

	// A failure one level down: harness.apply calls harness.fail.
	_, err = callHost(func() js.Value { return harness.Call("apply", harness.Get("fail"), "nested failure") })
	fmt.Println("nested error:", err)

	// A Go function that catches the error itself and returns normally.
	safe := js.FuncOf(func(this js.Value, args []js.Value) any {
		_, err := callHost(func() js.Value { return harness.Call("fail", "inside FuncOf") })
		return "recovered inside FuncOf: " + err.Error()
	})
	fmt.Println(harness.Call("apply", safe).String())

	// Error objects made directly from Go.
	e := js.Global().Get("Error").New("made in Go")
	fmt.Printf("new Error: message=%q name=%q\n", e.Get("message").String(), e.Get("name").String())
	wrapped := js.Error{Value: e}
	fmt.Println("js.Error wrapping it:", wrapped.Error())

	// After all the errors, calls still work.
	v, err = callHost(func() js.Value { return harness.Call("echo", 123) })
	fmt.Println("final echo:", v.Int(), err)
}
