// Command js_instanceof checks Value.InstanceOf against the built-in
// constructors Object, Array, Uint8Array, Date and Error.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	g := js.Global()
	ctors := []string{"Object", "Array", "Uint8Array", "Int32Array", "Date", "Error"}
	values := []struct {
		name string
		v    js.Value
	}{
		{"new Object()", g.Get("Object").New()},
		{"new Array(2)", g.Get("Array").New(2)},
		{"ValueOf([]any{})", js.ValueOf([]any{1})},
		{"new Uint8Array(4)", g.Get("Uint8Array").New(4)},
		{"new Uint8ClampedArray(4)", g.Get("Uint8ClampedArray").New(4)},
		{"new Int32Array(1)", g.Get("Int32Array").New(1)},
		{"Uint8Array subarray", g.Get("Uint8Array").New(4).Call("subarray", 1)},
		{"new Date(0)", g.Get("Date").New(0)},
		{"new Error(\"x\")", g.Get("Error").New("x")},
		{"JSON.parse object", g.Get("JSON").Call("parse", `{"a":1}`)},
		{"JSON.parse array", g.Get("JSON").Call("parse", `[1,2]`)},
		{"function value", g.Get("harness").Get("echo")},
		{"number 5", js.ValueOf(5)},
		{"string \"s\"", js.ValueOf("s")},
		{"true", js.ValueOf(true)},
		{"null", js.Null()},
		{"undefined", js.Undefined()},
	}
	for _, e := range values {
		line := fmt.Sprintf("%-26s", e.name)
		for _, c := range ctors {
			line += fmt.Sprintf(" %s=%t", c, e.v.InstanceOf(g.Get(c)))
		}
		fmt.Println(line)
	}

	// The Error caught from a throwing host function is an Error instance.
	func() {
		defer func() {
			r := recover()
			if jsErr, ok := r.(js.Error); ok {
				fmt.Println("thrown value InstanceOf Error:", jsErr.Value.InstanceOf(g.Get("Error")))
			} else {
				fmt.Println("unexpected recover value:", r)
			}
		}()
		g.Get("harness").Call("fail", "expected failure")
	}()
}
