// Command funcof_returns publishes functions that return one kind of value
// each, so that host steps see every conversion from a Go return value to a
// JavaScript value.
package main

import (
	"fmt"
	"math"
	"syscall/js"
)

func publish(name string, ret func(args []js.Value) any) {
	js.Global().Set(name, js.FuncOf(func(this js.Value, args []js.Value) any {
		fmt.Printf("%s called\n", name)
		return ret(args)
	}))
}

func main() {
	publish("ret_nil", func([]js.Value) any { return nil })
	publish("ret_undefined", func([]js.Value) any { return js.Undefined() })
	publish("ret_null", func([]js.Value) any { return js.Null() })
	publish("ret_true", func([]js.Value) any { return true })
	publish("ret_false", func([]js.Value) any { return false })
	publish("ret_int", func([]js.Value) any { return 42 })
	publish("ret_negative", func([]js.Value) any { return int64(-9007199254740991) })
	publish("ret_float", func([]js.Value) any { return 3.25 })
	publish("ret_nan", func([]js.Value) any { return math.NaN() })
	publish("ret_neg_inf", func([]js.Value) any { return math.Inf(-1) })
	publish("ret_string", func([]js.Value) any { return "héllo 😀" })
	publish("ret_empty_string", func([]js.Value) any { return "" })
	publish("ret_array", func([]js.Value) any { return []any{1, "two", true, nil, []any{3.5}} })
	publish("ret_map", func([]js.Value) any {
		// One key per level keeps the property order independent of Go's
		// randomised map iteration.
		return map[string]any{"outer": map[string]any{"inner": "value"}}
	})
	publish("ret_object", func([]js.Value) any {
		o := js.Global().Get("Object").New()
		o.Set("b", 2)
		o.Set("a", "one")
		o.Set("list", js.ValueOf([]any{1, 2}))
		return o
	})
	publish("ret_bytes", func([]js.Value) any {
		data := []byte("bytes\x00\xff")
		a := js.Global().Get("Uint8Array").New(len(data))
		js.CopyBytesToJS(a, data)
		return a
	})
	publish("ret_func", func([]js.Value) any {
		return js.FuncOf(func(this js.Value, args []js.Value) any { return "inner function result" })
	})
	publish("ret_arg", func(args []js.Value) any {
		if len(args) == 0 {
			return "no argument"
		}
		return args[0]
	})
	fmt.Println("functions published")
	select {}
}
