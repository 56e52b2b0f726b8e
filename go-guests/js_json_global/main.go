// Command js_json_global uses the JavaScript JSON object through syscall/js:
// JSON.stringify of plain data built in Go and JSON.parse of valid documents.
package main

import (
	"fmt"
	"math"
	"syscall/js"
)

var (
	jsonObj = js.Global().Get("JSON")
	object  = js.Global().Get("Object")
	array   = js.Global().Get("Array")
)

func stringify(v any) string {
	return jsonObj.Call("stringify", v).String()
}

func main() {
	// Primitives.
	for _, v := range []any{nil, true, false, 0, -1, 1.5, 1e21, 1e-7, 123456789012, 0.1, math.NaN(), math.Inf(1), "plain", ""} {
		fmt.Printf("stringify %v -> %s\n", v, stringify(v))
	}

	// String escaping.
	fmt.Printf("escapes: %q\n", stringify("quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\x00 ctl\x1f del\x7f é 😀 \u2028"))
	fmt.Println("lone surrogate:", stringify(jsonObj.Call("parse", `"\ud800"`)))

	// Objects keep insertion order, except that integer keys come first.
	o := object.New()
	o.Set("zeta", 1)
	o.Set("alpha", []any{1, "two", nil, true})
	o.Set("10", "ten")
	o.Set("2", "two")
	nested := object.New()
	nested.Set("deep", object.New())
	nested.Set("list", array.New())
	o.Set("nested", nested)
	fmt.Println("object:", stringify(o))

	// parse.
	doc := `{"name":"wasm","n":[1,2.5,-3e2,1e400],"ok":true,"none":null,"s":"a\u00e9\ud83d\ude00\n","nested":{"k":{"k2":"v"}},"0":"zero"}`
	p := jsonObj.Call("parse", doc)
	fmt.Println("parsed name:", p.Get("name").String())
	n := p.Get("n")
	fmt.Println("parsed numbers:", n.Length(), n.Index(0).Float(), n.Index(1).Float(), n.Index(2).Float(), n.Index(3).Float())
	fmt.Println("parsed ok/none:", p.Get("ok").Bool(), p.Get("none").IsNull())
	fmt.Printf("parsed string: %q\n", p.Get("s").String())
	fmt.Println("parsed nested:", p.Get("nested").Get("k").Get("k2").String())
	fmt.Println("keys order:", stringify(object.Call("keys", p)))
	fmt.Println("re-stringified:", stringify(p))

	// Top-level scalars and whitespace.
	fmt.Println("parse scalars:", jsonObj.Call("parse", " 42 ").Int(), jsonObj.Call("parse", `"s"`).String(),
		jsonObj.Call("parse", "null").IsNull(), jsonObj.Call("parse", "[]").Length())

	// Duplicate keys: the last one wins.
	fmt.Println("duplicate keys:", stringify(jsonObj.Call("parse", `{"a":1,"b":2,"a":3}`)))
}
