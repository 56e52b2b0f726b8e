// Command js_funcof_from_go creates functions with js.FuncOf and calls them
// from Go itself through Invoke and Call, checking arguments, this, return
// values and Release.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	calls := 0
	add := js.FuncOf(func(this js.Value, args []js.Value) any {
		calls++
		sum := 0.0
		for _, a := range args {
			sum += a.Float()
		}
		return sum
	})
	fmt.Println("add.Invoke(1, 2, 3.5) =", add.Invoke(1, 2, 3.5).Float())
	fmt.Println("add.Invoke() =", add.Invoke().Float())
	fmt.Println("add type:", add.Type(), "calls so far:", calls)

	describeArgs := js.FuncOf(func(this js.Value, args []js.Value) any {
		parts := make([]any, 0, len(args))
		for _, a := range args {
			parts = append(parts, a.Type().String())
		}
		return parts
	})
	res := describeArgs.Invoke(1, "s", true, nil, js.Undefined(), []any{1}, map[string]any{"k": 1}, add)
	out := make([]string, res.Length())
	for i := range out {
		out[i] = res.Index(i).String()
	}
	fmt.Println("argument types seen by the function:", out)

	// Return values of each kind.
	returns := []struct {
		name string
		ret  any
	}{
		{"nil", nil},
		{"js.Undefined()", js.Undefined()},
		{"js.Null()", js.Null()},
		{"bool", true},
		{"int", 7},
		{"float", 2.25},
		{"string", "text"},
		{"[]any", []any{"a", 1}},
		{"map[string]any", map[string]any{"k": "v"}},
	}
	for _, r := range returns {
		ret := r.ret
		f := js.FuncOf(func(this js.Value, args []js.Value) any { return ret })
		v := f.Invoke()
		fmt.Printf("returning %-16s gives type=%-9s String()=%q\n", r.name, v.Type(), v.String())
		f.Release()
	}

	// Methods see their receiver as this.
	obj := js.Global().Get("Object").New()
	obj.Set("name", "receiver")
	obj.Set("whoami", js.FuncOf(func(this js.Value, args []js.Value) any {
		return "this.name=" + this.Get("name").String()
	}))
	fmt.Println("obj.Call(\"whoami\"):", obj.Call("whoami").String())
	fmt.Println("plain Invoke has undefined this:", js.FuncOf(func(this js.Value, args []js.Value) any {
		return this.IsUndefined()
	}).Invoke().Bool())

	// A function that calls another Go function.
	twice := js.FuncOf(func(this js.Value, args []js.Value) any {
		return add.Invoke(args[0], args[0])
	})
	fmt.Println("twice(21) =", twice.Invoke(21).Int())

	// A recursive function: factorial through JS on every level.
	var fact js.Func
	fact = js.FuncOf(func(this js.Value, args []js.Value) any {
		n := args[0].Int()
		if n <= 1 {
			return 1
		}
		return n * fact.Invoke(n-1).Int()
	})
	fmt.Println("fact(10) =", fact.Invoke(10).Int())

	// Passing a Go function to JS and back.
	echoed := js.Global().Get("harness").Call("echo", add)
	fmt.Println("echoed function is the same value:", echoed.Equal(add.Value), "and callable:", echoed.Invoke(40, 2).Int())

	// Release frees the function; many functions can be created and released.
	for i := 0; i < 1000; i++ {
		f := js.FuncOf(func(this js.Value, args []js.Value) any { return i })
		if f.Invoke().Int() != i {
			fmt.Println("wrong result at", i)
		}
		f.Release()
	}
	fmt.Println("1000 functions created, called and released")
	add.Release()
	twice.Release()
	fact.Release()
	describeArgs.Release()
	fmt.Println("total add calls:", calls)
}
