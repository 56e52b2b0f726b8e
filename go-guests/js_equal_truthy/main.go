// Command js_equal_truthy prints Value.Equal, Truthy, IsNaN, IsNull and
// IsUndefined for each kind of JavaScript value.
package main

import (
	"fmt"
	"math"
	"syscall/js"
)

func main() {
	echo := js.Global().Get("harness").Get("echo")
	obj := js.Global().Get("Object").New()
	values := []struct {
		name string
		v    js.Value
	}{
		{"undefined", js.Undefined()},
		{"null", js.Null()},
		{"true", js.ValueOf(true)},
		{"false", js.ValueOf(false)},
		{"0", js.ValueOf(0)},
		{"-0 (from JSON)", js.Global().Get("JSON").Call("parse", "-0")},
		{"1", js.ValueOf(1)},
		{"-1.5", js.ValueOf(-1.5)},
		{"NaN", js.ValueOf(math.NaN())},
		{"+Inf", js.ValueOf(math.Inf(1))},
		{"empty string", js.ValueOf("")},
		{"string \"0\"", js.ValueOf("0")},
		{"string \"false\"", js.ValueOf("false")},
		{"empty object", obj},
		{"empty array", js.Global().Get("Array").New()},
		{"function", echo},
		{"empty Uint8Array", js.Global().Get("Uint8Array").New(0)},
	}
	for _, e := range values {
		fmt.Printf("%-18s Truthy=%-5t IsNaN=%-5t IsNull=%-5t IsUndefined=%-5t\n",
			e.name, e.v.Truthy(), e.v.IsNaN(), e.v.IsNull(), e.v.IsUndefined())
	}

	eq := func(label string, a, b js.Value) {
		fmt.Printf("Equal %-46s %t\n", label+":", a.Equal(b))
	}
	eq("undefined, undefined", js.Undefined(), js.Undefined())
	eq("null, null", js.Null(), js.Null())
	eq("undefined, null", js.Undefined(), js.Null())
	eq("NaN, NaN", js.ValueOf(math.NaN()), js.ValueOf(math.NaN()))
	eq("0, -0 from JSON", js.ValueOf(0), js.Global().Get("JSON").Call("parse", "-0"))
	eq("1, 1.0", js.ValueOf(1), js.ValueOf(1.0))
	eq("1, \"1\"", js.ValueOf(1), js.ValueOf("1"))
	eq("true, true", js.ValueOf(true), js.ValueOf(true))
	eq("true, 1", js.ValueOf(true), js.ValueOf(1))
	eq("string, same text made separately", js.ValueOf("same text"), echo.Invoke("same text"))
	eq("string, different text", js.ValueOf("a"), js.ValueOf("b"))
	eq("object, itself via echo", obj, echo.Invoke(obj))
	eq("object, another empty object", obj, js.Global().Get("Object").New())
	eq("global, Get(\"globalThis\")", js.Global(), js.Global().Get("globalThis"))
	eq("function, same function read twice", echo, js.Global().Get("harness").Get("echo"))
	eq("zero js.Value, undefined", js.Value{}, js.Undefined())

	// Equal on a value kept across many other conversions still holds.
	keep := js.ValueOf("kept")
	for i := 0; i < 1000; i++ {
		js.ValueOf(fmt.Sprint("tmp", i))
	}
	eq("string kept across 1000 conversions", keep, js.ValueOf("kept"))
}
