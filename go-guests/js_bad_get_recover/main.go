// Command js_bad_get_recover misuses syscall/js values (Get on a number or
// undefined, Int on a string, Call of a missing method, ...) and recovers
// from each panic, printing the recovered error text and its type.
package main

import (
	"errors"
	"fmt"
	"syscall/js"
)

func try(label string, f func()) {
	defer func() {
		r := recover()
		if r == nil {
			fmt.Printf("%-40s no panic\n", label)
			return
		}
		var ve *js.ValueError
		isValueError := false
		if err, ok := r.(error); ok {
			isValueError = errors.As(err, &ve)
		}
		fmt.Printf("%-40s recovered %q (ValueError=%t)\n", label, fmt.Sprint(r), isValueError)
		if isValueError {
			fmt.Printf("%-40s   Method=%s Type=%s\n", "", ve.Method, ve.Type)
		}
	}()
	f()
}

func main() {
	num := js.ValueOf(42)
	str := js.ValueOf("text")
	undef := js.Undefined()
	null := js.Null()
	obj := js.Global().Get("Object").New()
	obj.Set("notAFunction", 5)

	try("Get on number", func() { num.Get("x") })
	try("Get on undefined", func() { undef.Get("x") })
	try("Get on null", func() { null.Get("x") })
	try("Get on string", func() { str.Get("length") })
	try("Set on number", func() { num.Set("x", 1) })
	try("Delete on undefined", func() { undef.Delete("x") })
	try("Index on number", func() { num.Index(0) })
	try("SetIndex on boolean", func() { js.ValueOf(true).SetIndex(0, 1) })
	try("Length on undefined", func() { undef.Length() })
	try("Int on string", func() { str.Int() })
	try("Float on undefined", func() { undef.Float() })
	try("Bool on number", func() { num.Bool() })
	try("Call on undefined", func() { undef.Call("f") })
	try("Call on number", func() { num.Call("toString") })
	try("Call of missing method", func() { obj.Call("missing") })
	try("Call of non-function property", func() { obj.Call("notAFunction") })
	try("Invoke on object", func() { obj.Invoke() })
	try("Invoke on number", func() { num.Invoke() })
	try("New on number", func() { num.New() })
	try("InstanceOf on object does not panic", func() { obj.InstanceOf(js.Global().Get("Object")) })
	try("String on number does not panic", func() { _ = num.String() })
	try("Get on object does not panic", func() { obj.Get("missing") })

	// After all the recovered panics the values still work.
	obj.Set("ok", "still working")
	fmt.Println("afterwards:", obj.Get("ok").String())
}
