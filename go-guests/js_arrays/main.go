// Command js_arrays works with JavaScript arrays from Go: construction,
// SetIndex/Index/Length, push/pop/join/indexOf and Array.isArray.
package main

import (
	"fmt"
	"syscall/js"
)

var array = js.Global().Get("Array")

func show(label string, a js.Value) {
	fmt.Printf("%s: length=%d join=%q\n", label, a.Length(), a.Call("join", ",").String())
}

func main() {
	empty := array.New()
	show("new Array()", empty)

	holes := array.New(3)
	show("new Array(3)", holes)
	fmt.Println("hole reads as undefined:", holes.Index(1).IsUndefined())

	listed := array.New("a", "b", "c")
	show("new Array(a, b, c)", listed)

	// SetIndex past the end grows the array and leaves holes.
	a := array.New()
	for i := 0; i < 5; i++ {
		a.SetIndex(i, i*i)
	}
	show("squares", a)
	a.SetIndex(7, "seven")
	show("after SetIndex(7)", a)
	fmt.Println("index 6 is undefined:", a.Index(6).IsUndefined(), "index 100 is undefined:", a.Index(100).IsUndefined())

	// push returns the new length; pop returns the removed element.
	s := array.New()
	fmt.Println("push returns", s.Call("push", "x").Int())
	fmt.Println("push of two returns", s.Call("push", "y", 42).Int())
	show("after pushes", s)
	fmt.Println("pop returns", s.Call("pop").Int())
	fmt.Println("pop returns", s.Call("pop").String())
	fmt.Println("pop returns", s.Call("pop").String())
	fmt.Println("pop of empty is undefined:", s.Call("pop").IsUndefined())

	// join converts elements: null and undefined become empty strings.
	mixed := js.ValueOf([]any{1, 2.5, "s", true, nil, js.Undefined(), []any{3, 4}})
	fmt.Printf("join default=%q join(\" | \")=%q\n", mixed.Call("join").String(), mixed.Call("join", " | ").String())

	// indexOf uses strict equality.
	fmt.Println("indexOf(\"s\")", mixed.Call("indexOf", "s").Int(), "indexOf(2.5)", mixed.Call("indexOf", 2.5).Int(),
		"indexOf(\"1\")", mixed.Call("indexOf", "1").Int(), "indexOf(null)", mixed.Call("indexOf", nil).Int())

	// Array.isArray distinguishes arrays from array-like values.
	fmt.Println("isArray(array)", array.Call("isArray", a).Bool(),
		"isArray(object)", array.Call("isArray", js.Global().Get("Object").New()).Bool(),
		"isArray(Uint8Array)", array.Call("isArray", js.Global().Get("Uint8Array").New(2)).Bool(),
		"isArray(string)", array.Call("isArray", "abc").Bool())

	// Nested arrays.
	grid := array.New()
	for r := 0; r < 3; r++ {
		row := array.New()
		for c := 0; c < 3; c++ {
			row.Call("push", r*3+c)
		}
		grid.Call("push", row)
	}
	fmt.Println("grid[2][1] =", grid.Index(2).Index(1).Int(), "grid joined:", grid.Call("join", ";").String())

	// Arrays hold references: changing an element object is visible.
	obj := js.Global().Get("Object").New()
	holder := array.New(obj, obj)
	holder.Index(0).Set("v", "shared")
	fmt.Println("element 1 sees change:", holder.Index(1).Get("v").String())

	// A large array.
	big := array.New()
	sum := 0
	for i := 0; i < 1000; i++ {
		big.Call("push", i)
	}
	for i := 0; i < big.Length(); i++ {
		sum += big.Index(i).Int()
	}
	fmt.Println("1000 elements, sum:", sum)
}
