// Command js_date_error_math uses the JavaScript Date, Error and Math
// globals through syscall/js with fixed inputs only.
package main

import (
	"fmt"
	"math"
	"syscall/js"
)

func main() {
	g := js.Global()
	date := g.Get("Date")

	// Dates from fixed millisecond values.
	for _, ms := range []float64{0, 1e12, -86400000, 1700000000123} {
		d := date.New(ms)
		fmt.Printf("new Date(%v).getTime() = %v\n", ms, d.Call("getTime").Float())
	}
	// Date.now() is only compared, never printed.
	now := date.Call("now").Float()
	fmt.Println("Date.now() is after 2020-01-01:", now > 1577836800000)
	fmt.Println("Date.now() is an integer:", now == math.Trunc(now))

	// Errors.
	e := g.Get("Error").New("something failed")
	fmt.Printf("Error: message=%q name=%q\n", e.Get("message").String(), e.Get("name").String())
	e.Set("code", 42)
	fmt.Println("Error with extra property code:", e.Get("code").Int())
	empty := g.Get("Error").New()
	fmt.Printf("Error(): message=%q\n", empty.Get("message").String())

	// Math.
	m := g.Get("Math")
	show := func(label string, v js.Value) { fmt.Printf("%-24s = %v\n", label, v.Float()) }
	show("Math.floor(-1.5)", m.Call("floor", -1.5))
	show("Math.floor(2.999)", m.Call("floor", 2.999))
	show("Math.abs(-7.25)", m.Call("abs", -7.25))
	show("Math.max(1, 5, 3)", m.Call("max", 1, 5, 3))
	show("Math.min(1, -5, 3)", m.Call("min", 1, -5, 3))
	show("Math.max()", m.Call("max"))
	show("Math.min()", m.Call("min"))
	show("Math.max(1, NaN)", m.Call("max", 1, math.NaN()))
	show("Math.sqrt(2)", m.Call("sqrt", 2))
	show("Math.sqrt(-1)", m.Call("sqrt", -1))
	show("Math.pow(2, 10)", m.Call("pow", 2, 10))
	show("Math.pow(2, 0.5)", m.Call("pow", 2, 0.5))
	show("Math.pow(10, -2)", m.Call("pow", 10, -2))
	show("Math.pow(0, 0)", m.Call("pow", 0, 0))
}
