// Command js_structured_clone copies JavaScript values from Go with
// structuredClone (nested data, Map, Set, Date, RegExp, errors, typed
// arrays and buffers, cycles and shared references, transfer, the
// DataCloneError for uncloneable values) and transforms them with JSON
// (a parse reviver, stringify replacers written in Go, an array replacer,
// toJSON and indentation).
package main

import (
	"fmt"
	"strconv"
	"strings"
	"syscall/js"
)

var (
	global   = js.Global()
	object   = global.Get("Object")
	array    = global.Get("Array")
	jsString = global.Get("String")
	jsonObj  = global.Get("JSON")
	clone    = global.Get("structuredClone")
	jsMap    = global.Get("Map")
	jsSet    = global.Get("Set")
	u8       = global.Get("Uint8Array")
)

// render shows a JS value in a JS-like notation; a Go value prints as
// "go" and its %v form.
func render(x any) string {
	v, ok := x.(js.Value)
	if !ok {
		return fmt.Sprintf("go %v", x)
	}
	switch v.Type() {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeNull:
		return "null"
	case js.TypeBoolean:
		return strconv.FormatBool(v.Bool())
	case js.TypeNumber:
		return jsString.Invoke(v).String()
	case js.TypeString:
		return strconv.Quote(v.String())
	case js.TypeFunction:
		return "function " + v.Get("name").String()
	}
	if array.Call("isArray", v).Bool() {
		parts := make([]string, v.Length())
		for i := range parts {
			parts[i] = render(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return jsonObj.Call("stringify", v).String()
}

// explain prints a thrown error's name, its numeric/string code if any,
// and (if withMessage) its message.
func explain(r any, withMessage bool) string {
	if e, ok := r.(js.Error); ok {
		if e.Value.Type() == js.TypeObject {
			s := "threw " + e.Get("name").String()
			if c := e.Get("code"); !c.IsUndefined() {
				s += " (code " + render(c) + ")"
			}
			if withMessage {
				s += ": " + e.Get("message").String()
			}
			return s
		}
		return "threw " + render(e.Value)
	}
	return fmt.Sprintf("Go panic: %v", r)
}

func checkWith(withMessage bool, label string, f func() any) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s => %s\n", label, explain(r, withMessage))
		}
	}()
	fmt.Printf("%s => %s\n", label, render(f()))
}

// check prints the result or the error's name and message.
func check(label string, f func() any) { checkWith(true, label, f) }

// checkName prints the result or only the error's name (and code): for
// messages that are engine implementation details.
func checkName(label string, f func() any) { checkWith(false, label, f) }

func arr(xs ...any) js.Value { return js.ValueOf(xs) }

// obj builds a plain object from key, value pairs in order.
func obj(kv ...any) js.Value {
	o := object.New()
	for i := 0; i < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

func stringify(v any, rest ...any) js.Value {
	return jsonObj.Call("stringify", append([]any{v}, rest...)...)
}

func main() {
	fmt.Println("== structuredClone of plain data")
	orig := obj("name", "cfg", "n", 1.5, "list", arr(1, "two", arr(3), nil), "nested", obj("deep", obj("x", true)), "u", js.Undefined())
	c := clone.Invoke(orig)
	check("clone is a different object with equal JSON", func() any {
		return arr(c.Equal(orig), stringify(c).Equal(stringify(orig)), stringify(c))
	})
	check("undefined-valued property survives (unlike JSON)", func() any {
		return arr(global.Get("Reflect").Call("has", c, "u"), object.Call("keys", c))
	})
	check("deep copy: changing the clone leaves the original alone", func() any {
		c.Get("nested").Get("deep").Set("x", false)
		c.Get("list").Call("push", "new")
		return arr(orig.Get("nested").Get("deep").Get("x"), orig.Get("list").Length(), c.Get("list").Length())
	})
	check("primitives: clone(42), clone(\"s\"), clone(null), clone(undefined)", func() any {
		return arr(clone.Invoke(42), clone.Invoke("s"), clone.Invoke(nil), clone.Invoke(js.Undefined()))
	})
	check("cycle: o.self = o", func() any {
		o := obj("v", 1)
		o.Set("self", o)
		cc := clone.Invoke(o)
		return arr(cc.Equal(o), cc.Get("self").Equal(cc), cc.Get("self").Get("self").Get("v"))
	})
	check("shared sub-object stays shared (and distinct from the original)", func() any {
		shared := obj("k", "v")
		o := obj("a", shared, "b", shared, "list", arr(shared))
		cc := clone.Invoke(o)
		return arr(cc.Get("a").Equal(cc.Get("b")), cc.Get("a").Equal(cc.Get("list").Index(0)), cc.Get("a").Equal(shared))
	})
	check("prototype is not kept: clone of Object.create({inherited: 1})", func() any {
		o := object.Call("create", obj("inherited", 1))
		o.Set("own", 2)
		cc := clone.Invoke(o)
		return arr(cc, object.Call("getPrototypeOf", cc).Equal(object.Get("prototype")), cc.Get("inherited"))
	})
	check("getters are read; non-enumerable and symbol keys are dropped", func() any {
		getter := js.FuncOf(func(this js.Value, a []js.Value) any { return "computed" })
		defer getter.Release()
		o := obj("plain", 1)
		object.Call("defineProperty", o, "g", obj("get", getter, "enumerable", true))
		object.Call("defineProperty", o, "hidden", obj("value", 2, "enumerable", false))
		global.Get("Reflect").Call("set", o, global.Get("Symbol").Invoke("s"), 3)
		cc := clone.Invoke(o)
		desc := object.Call("getOwnPropertyDescriptor", cc, "g")
		return arr(global.Get("Reflect").Call("ownKeys", cc), desc.Get("value"), desc.Get("get"))
	})
	check("sparse array keeps its holes", func() any {
		a := array.New(3)
		a.SetIndex(1, "mid")
		cc := clone.Invoke(a)
		return arr(cc.Length(), global.Get("Reflect").Call("has", cc, "0"), cc.Index(1))
	})
	check("boxed primitives: clone(new String(\"x\")), clone(new Number(5))", func() any {
		s := clone.Invoke(jsString.New("x"))
		n := clone.Invoke(global.Get("Number").New(5))
		return arr(s.Type().String(), s.InstanceOf(jsString), s.Call("valueOf"), n.Call("valueOf"))
	})

	fmt.Println("== structuredClone of built-in types")
	check("Map with an object key: instanceof, size, entries; key identity", func() any {
		key := obj("id", 7)
		m := jsMap.New(arr(arr("a", 1), arr(key, arr("x"))))
		cm := clone.Invoke(m)
		ckey := array.Call("from", cm.Call("keys")).Index(1)
		return arr(cm.InstanceOf(jsMap), cm.Get("size"), array.Call("from", cm), ckey.Equal(key), cm.Call("get", ckey))
	})
	check("Set with NaN and objects, insertion order", func() any {
		s := jsSet.New(arr(3, "three", global.Get("NaN"), obj("o", 1)))
		cs := clone.Invoke(s)
		return arr(cs.InstanceOf(jsSet), array.Call("from", cs), cs.Call("has", global.Get("NaN")))
	})
	check("Date: instanceof, getTime, distinct object", func() any {
		d := global.Get("Date").New(1700000000123.0)
		cd := clone.Invoke(d)
		return arr(cd.InstanceOf(global.Get("Date")), cd.Call("getTime"), cd.Equal(d))
	})
	check("invalid Date clones as invalid", func() any {
		return clone.Invoke(global.Get("Date").New("nonsense")).Call("getTime")
	})
	check("RegExp: source, flags, lastIndex reset", func() any {
		r := global.Get("RegExp").New("a(b)", "gi")
		r.Set("lastIndex", 3)
		cr := clone.Invoke(r)
		return arr(cr.Get("source"), cr.Get("flags"), cr.Get("lastIndex"), cr.Equal(r))
	})
	check("Error: name, message, instanceof; custom property", func() any {
		e := global.Get("Error").New("boom")
		e.Set("extra", 1)
		ce := clone.Invoke(e)
		return arr(ce.Get("name"), ce.Get("message"), ce.InstanceOf(global.Get("Error")), ce.Get("extra"))
	})
	check("TypeError and RangeError keep their type", func() any {
		te := clone.Invoke(global.Get("TypeError").New("bad type"))
		re := clone.Invoke(global.Get("RangeError").New("bad range"))
		return arr(te.InstanceOf(global.Get("TypeError")), te.Get("name"), re.Get("name"), re.Get("message"))
	})
	check("Uint8Array: elements, new buffer", func() any {
		a := u8.Call("of", 1, 2, 3)
		ca := clone.Invoke(a)
		ca.SetIndex(0, 99)
		return arr(array.Call("from", ca), a.Index(0), ca.Get("buffer").Equal(a.Get("buffer")))
	})
	check("two views of one buffer still share one (cloned) buffer", func() any {
		buf := global.Get("ArrayBuffer").New(8)
		o := obj("bytes", u8.New(buf), "words", global.Get("Uint32Array").New(buf, 4, 1))
		co := clone.Invoke(o)
		co.Get("words").SetIndex(0, 0x01020304)
		return arr(co.Get("bytes").Get("buffer").Equal(co.Get("words").Get("buffer")),
			array.Call("from", co.Get("bytes")), array.Call("from", u8.New(buf)))
	})
	check("subarray view keeps its offset and length over a full buffer copy", func() any {
		a := u8.Call("of", 0, 1, 2, 3, 4, 5).Call("subarray", 2, 4)
		ca := clone.Invoke(a)
		return arr(ca.Get("byteOffset"), ca.Length(), ca.Get("buffer").Get("byteLength"), array.Call("from", ca))
	})
	check("ArrayBuffer: byteLength, contents, distinct", func() any {
		a := u8.Call("of", 9, 8, 7)
		cb := clone.Invoke(a.Get("buffer"))
		return arr(cb.Get("byteLength"), array.Call("from", u8.New(cb)), cb.Equal(a.Get("buffer")))
	})
	check("Float64Array and BigInt64Array", func() any {
		f := clone.Invoke(global.Get("Float64Array").Call("of", 0.1, global.Get("NaN")))
		b := clone.Invoke(global.Get("BigInt64Array").Call("of", global.Get("BigInt").Invoke("-5")))
		return arr(array.Call("from", f), jsString.Invoke(b.Index(0)))
	})
	check("transfer: the original buffer is detached", func() any {
		a := u8.Call("of", 1, 2, 3, 4)
		buf := a.Get("buffer")
		moved := clone.Invoke(buf, obj("transfer", arr(buf)))
		return arr(buf.Get("byteLength"), a.Length(), moved.Get("byteLength"), array.Call("from", u8.New(moved)))
	})
	check("transferring the same buffer twice", func() any {
		buf := global.Get("ArrayBuffer").New(1)
		return clone.Invoke(buf, obj("transfer", arr(buf, buf)))
	})

	fmt.Println("== structuredClone errors")
	check("clone(Math.max) (a function)", func() any { return clone.Invoke(global.Get("Math").Get("max")) })
	goFunc := js.FuncOf(func(this js.Value, a []js.Value) any { return nil })
	checkName("clone(a js.FuncOf function)", func() any { return clone.Invoke(goFunc) })
	checkName("clone({handler: js.FuncOf function})", func() any { return clone.Invoke(obj("ok", 1, "handler", goFunc)) })
	goFunc.Release()
	check(`clone(Symbol("s"))`, func() any { return clone.Invoke(global.Get("Symbol").Invoke("s")) })
	check("clone(new WeakMap())", func() any { return clone.Invoke(global.Get("WeakMap").New()) })
	check("clone(Promise.resolve())", func() any { return clone.Invoke(global.Get("Promise").Call("resolve")) })
	func() {
		defer func() {
			e := recover().(js.Error)
			fmt.Printf("DataCloneError instanceof DOMException=%t instanceof Error=%t\n",
				e.InstanceOf(global.Get("DOMException")), e.InstanceOf(global.Get("Error")))
		}()
		clone.Invoke(global.Get("Math").Get("max"))
	}()
	checkName("structuredClone() with no argument", func() any { return clone.Invoke() })

	fmt.Println("== JSON.parse with a reviver written in Go")
	var visits []string
	reviver := js.FuncOf(func(this js.Value, a []js.Value) any {
		key, val := a[0].String(), a[1]
		visits = append(visits, strconv.Quote(key))
		switch {
		case key == "secret":
			return js.Undefined() // drop the property
		case val.Type() == js.TypeNumber:
			return val.Float() * 10
		case key == "when":
			return global.Get("Date").New(val) // revive ISO strings into Dates
		}
		return val
	})
	doc := `{"a":1,"secret":"pw","list":[2,{"b":3}],"when":"2023-11-14T22:13:20.000Z","s":"text"}`
	parsed := jsonObj.Call("parse", doc, reviver)
	check("revived document", func() any { return parsed })
	check("reviver call order (keys, depth first, root last)", func() any { return strings.Join(visits, " ") })
	check(`parsed.when instanceof Date / getTime()`, func() any {
		return arr(parsed.Get("when").InstanceOf(global.Get("Date")), parsed.Get("when").Call("getTime"))
	})
	visits = nil
	check(`JSON.parse("5", reviver) (root only)`, func() any { return jsonObj.Call("parse", "5", reviver) })
	check("visits", func() any { return strings.Join(visits, " ") })
	check("reviver's this is the holder object", func() any {
		var holders []string
		f := js.FuncOf(func(this js.Value, a []js.Value) any {
			holders = append(holders, a[0].String()+" in "+stringify(this).String())
			return a[1]
		})
		defer f.Release()
		jsonObj.Call("parse", `{"x":{"y":1}}`, f)
		return strings.Join(holders, " | ")
	})
	reviver.Release()
	check(`JSON.parse with a non-function reviver`, func() any { return jsonObj.Call("parse", `{"a":1}`, "nope") })
	for _, bad := range []string{`{"a":1,}`, `{'a':1}`, ``, `[1,2`, `NaN`, `01`} {
		bad := bad
		checkName(fmt.Sprintf("JSON.parse(%q)", bad), func() any { return jsonObj.Call("parse", bad) })
	}
	check(`JSON.parse('{"__proto__": {"x": 1}}'): own key, prototype untouched`, func() any {
		p := jsonObj.Call("parse", `{"__proto__": {"x": 1}}`)
		return arr(object.Call("keys", p), p.Get("x"), object.Call("getPrototypeOf", p).Equal(object.Get("prototype")))
	})
	check(`JSON.parse("12345678901234567890") / ("1e400") / ("-0")`, func() any {
		return arr(jsonObj.Call("parse", "12345678901234567890"), jsonObj.Call("parse", "1e400"), jsonObj.Call("parse", "-0"))
	})

	fmt.Println("== JSON.stringify with replacers and toJSON")
	data := obj("user", "ann", "password", "hunter2", "age", 41, "tags", arr("a", "b"), "nested", obj("password", "x", "age", 7))
	var keys []string
	replacer := js.FuncOf(func(this js.Value, a []js.Value) any {
		key, val := a[0].String(), a[1]
		keys = append(keys, strconv.Quote(key))
		switch {
		case key == "password":
			return js.Undefined()
		case val.Type() == js.TypeNumber:
			return "#" + jsString.Invoke(val).String()
		}
		return val
	})
	check("replacer function (drops password, numbers as strings)", func() any { return stringify(data, replacer) })
	check("replacer call order", func() any { return strings.Join(keys, " ") })
	check("replacer for the root key sees the holder {\"\": value}", func() any {
		var root string
		f := js.FuncOf(func(this js.Value, a []js.Value) any {
			if a[0].String() == "" {
				root = fmt.Sprintf("holder keys %s, holder[\"\"] === value: %t", render(object.Call("keys", this)), this.Get("").Equal(a[1]))
			}
			return a[1]
		})
		defer f.Release()
		stringify(obj("k", 1), f)
		return root
	})
	replacer.Release()
	check(`array replacer ["age", "user", "nested"]`, func() any { return stringify(data, arr("age", "user", "nested")) })
	check(`array replacer with numbers and duplicates [1, "1", "user"]`, func() any {
		return stringify(obj("1", "one", "user", "u", "x", 0), arr(1, "1", "user"))
	})
	check(`array replacer does not filter arrays`, func() any { return stringify(arr(obj("a", 1, "b", 2)), arr("b")) })
	check("indent 2", func() any { return stringify(obj("a", arr(1, obj("b", nil)), "e", arr(), "o", object.New()), nil, 2) })
	check(`indent "\t" and indent 20 (clamped to 10) and "--"`, func() any {
		return arr(stringify(arr(1), nil, "\t"), stringify(arr(1), nil, 20), stringify(obj("k", 1), nil, "--"))
	})
	check("toJSON written in Go (receives the key)", func() any {
		var gotKeys []string
		toJSON := js.FuncOf(func(this js.Value, a []js.Value) any {
			gotKeys = append(gotKeys, strconv.Quote(a[0].String()))
			return "money:" + this.Get("cents").String()
		})
		defer toJSON.Release()
		price := obj("cents", "1999", "toJSON", toJSON)
		out := stringify(obj("price", price, "list", arr(price)))
		return arr(out, strings.Join(gotKeys, " "))
	})
	check("toJSON runs before the replacer", func() any {
		var order []string
		toJSON := js.FuncOf(func(this js.Value, a []js.Value) any { order = append(order, "toJSON"); return "from toJSON" })
		defer toJSON.Release()
		rep := js.FuncOf(func(this js.Value, a []js.Value) any {
			what := a[1].Type().String()
			if a[1].Type() == js.TypeString {
				what = render(a[1])
			}
			order = append(order, "replacer("+strconv.Quote(a[0].String())+", "+what+")")
			return a[1]
		})
		defer rep.Release()
		out := stringify(obj("v", obj("toJSON", toJSON)), rep)
		return arr(out, strings.Join(order, " "))
	})
	check("Date.prototype.toJSON / invalid Date", func() any {
		return arr(stringify(global.Get("Date").New(0)), stringify(global.Get("Date").New("nonsense")))
	})
	check("undefined, functions and symbols: omitted in objects, null in arrays", func() any {
		sym := global.Get("Symbol").Invoke("s")
		return arr(stringify(obj("u", js.Undefined(), "f", object, "s", sym, "k", 1)), stringify(arr(js.Undefined(), object, sym)))
	})
	check("stringify(undefined) / stringify(function) / stringify(NaN, Infinity)", func() any {
		return arr(stringify(js.Undefined()), stringify(object), stringify(arr(global.Get("NaN"), global.Get("Infinity"))))
	})
	check("Map, Set, typed array, boxed values", func() any {
		return stringify(arr(jsMap.New(arr(arr("a", 1))), jsSet.New(arr(1)), u8.Call("of", 1, 2), jsString.New("s"), global.Get("Boolean").New(false)))
	})
	checkName("stringify(cycle)", func() any {
		o := object.New()
		o.Set("self", o)
		return stringify(o)
	})
	check("stringify(BigInt)", func() any { return stringify(global.Get("BigInt").Invoke(1)) })
	check("round trip through structuredClone and JSON", func() any {
		return stringify(clone.Invoke(jsonObj.Call("parse", `{"z":[1,{"y":null}],"a":"é"}`)))
	})
	fmt.Println("done")
}
