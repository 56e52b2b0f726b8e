// Command js_strings_numbers uses the JavaScript String, Number, Boolean,
// Symbol, Object and Array globals and the global conversion functions
// (parseInt, parseFloat, isNaN, isFinite, encodeURIComponent, ...) from Go
// through syscall/js, the way real Go code does.
//
// A JavaScript string or number reaches Go as a primitive, and
// js.Value.Call, Get and Length panic on primitives (wasm_exec.js's
// valueCall does Reflect.get on the receiver, which throws for a primitive,
// and the Go side then reports a ValueError). So prototype methods are
// called through String.prototype.m.call(s, ...) or on an Object(s)
// wrapper; both idioms are shown.
package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall/js"
)

var (
	global      = js.Global()
	object      = global.Get("Object")
	array       = global.Get("Array")
	jsString    = global.Get("String")
	number      = global.Get("Number")
	symbol      = global.Get("Symbol")
	reflect     = global.Get("Reflect")
	jsonObj     = global.Get("JSON")
	stringProto = jsString.Get("prototype")
	numberProto = number.Get("prototype")
)

// render shows a JS value in a JS-like notation (a Go value as "go" and
// its %v form).
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
	case js.TypeSymbol:
		return jsString.Invoke(v).String()
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

// lit shows a Go input value the way it reads in JavaScript source.
func lit(x any) string {
	switch g := x.(type) {
	case js.Value:
		return render(g)
	case nil:
		return "null"
	case string:
		return strconv.Quote(g)
	case float64:
		return jsString.Invoke(g).String()
	default:
		return fmt.Sprint(g)
	}
}

// obj builds a plain object from key, value pairs, keeping their order
// (a Go map given to js.ValueOf would not).
func obj(kv ...any) js.Value {
	o := object.New()
	for i := 0; i < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// explain turns a recovered panic into one line: a thrown JS error's name
// and message, or the Go panic value.
func explain(r any) string {
	if e, ok := r.(js.Error); ok {
		if e.Value.Type() == js.TypeObject {
			return "threw " + e.Get("name").String() + ": " + e.Get("message").String()
		}
		return "threw " + render(e.Value)
	}
	return fmt.Sprintf("Go panic: %v", r)
}

// check runs f and prints its result or the error it raised.
func check(label string, f func() any) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s => %s\n", label, explain(r))
		}
	}()
	fmt.Printf("%s => %s\n", label, render(f()))
}

// sm calls String.prototype[m] with the JS string s as this.
func sm(s any, m string, args ...any) js.Value {
	return stringProto.Get(m).Call("call", append([]any{s}, args...)...)
}

// nm calls Number.prototype[m] with the JS number x as this.
func nm(x any, m string, args ...any) js.Value {
	return numberProto.Get(m).Call("call", append([]any{x}, args...)...)
}

// fn wraps a Go function as a JS callback; the caller releases it.
func fn(f func(args []js.Value) any) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any { return f(args) })
}

func arr(xs ...any) js.Value { return js.ValueOf(xs) }

func main() {
	nan := math.NaN()
	inf := math.Inf(1)

	fmt.Println("== calling methods on primitives")
	check(`js.ValueOf("abc").Call("toUpperCase")`, func() any { return js.ValueOf("abc").Call("toUpperCase") })
	check(`js.ValueOf("abc").Length()`, func() any { return js.ValueOf("abc").Length() })
	check(`js.ValueOf("abc").Get("length")`, func() any { return js.ValueOf("abc").Get("length") })
	check(`js.ValueOf(1.5).Call("toFixed", 2)`, func() any { return js.ValueOf(1.5).Call("toFixed", 2) })
	check(`Object("abc").Call("toUpperCase")`, func() any { return object.Invoke("abc").Call("toUpperCase") })
	check(`Object("abc").Length()`, func() any { return object.Invoke("abc").Length() })
	check(`String.prototype.toUpperCase.call("abc")`, func() any { return sm("abc", "toUpperCase") })

	fmt.Println("== String conversions")
	check("String(42)", func() any { return jsString.Invoke(42) })
	check("String(0.1+0.2)", func() any { return jsString.Invoke(0.1 + 0.2) })
	check("String(1e21)", func() any { return jsString.Invoke(1e21) })
	check("String(1.23e-7)", func() any { return jsString.Invoke(1.23e-7) })
	// -0 does not survive the trip to Go: wasm_exec.js stores it as +0.
	check(`String(-0) (Go's -0.0)`, func() any { return jsString.Invoke(math.Copysign(0, -1)) })
	check(`Number("-0") read back in Go: Signbit`, func() any { return math.Signbit(number.Invoke("-0").Float()) })
	check(`Object.is(Number("-0"), Go -0.0) (both arrive as +0)`, func() any { return object.Call("is", number.Invoke("-0"), math.Copysign(0, -1)) })
	check("String(NaN)", func() any { return jsString.Invoke(nan) })
	check("String(null)", func() any { return jsString.Invoke(nil) })
	check("String(undefined)", func() any { return jsString.Invoke(js.Undefined()) })
	check("String(true)", func() any { return jsString.Invoke(true) })
	check("String([1,[2,3]])", func() any { return jsString.Invoke(arr(1, arr(2, 3))) })
	check("String({})", func() any { return jsString.Invoke(object.New()) })
	check("String.fromCharCode(72, 105, 0x1F600)", func() any { return jsString.Call("fromCharCode", 72, 105, 0x1F600) })
	check("String.fromCodePoint(0x1F600, 233)", func() any { return jsString.Call("fromCodePoint", 0x1F600, 233) })
	check("String.fromCodePoint(0x110000)", func() any { return jsString.Call("fromCodePoint", 0x110000) })
	check(`"😀é".length via Object()`, func() any { return object.Invoke("😀é").Get("length") })

	fmt.Println("== String.prototype methods")
	check(`"Hello World".toUpperCase()`, func() any { return sm("Hello World", "toUpperCase") })
	check(`"İSTANBUL".toLowerCase()`, func() any { return sm("İSTANBUL", "toLowerCase") })
	check(`"straße".toUpperCase()`, func() any { return sm("straße", "toUpperCase") })
	check(`"  \t pad \n".trim()`, func() any { return sm("  \t pad \n", "trim") })
	check(`"\u00a0\ufeffx\u2003".trim()`, func() any { return sm("\u00a0\ufeffx\u2003", "trim") })
	check(`"a,b,,c".split(",")`, func() any { return sm("a,b,,c", "split", ",") })
	check(`"a,b,,c".split(",", 2)`, func() any { return sm("a,b,,c", "split", ",", 2) })
	check(`"abc".split("")`, func() any { return sm("abc", "split", "") })
	check(`"😀x".split("")`, func() any { return sm("😀x", "split", "") })
	check(`"abc".split()`, func() any { return sm("abc", "split") })
	check(`"JavaScript".slice(-6, -2)`, func() any { return sm("JavaScript", "slice", -6, -2) })
	check(`"JavaScript".substring(4, 1)`, func() any { return sm("JavaScript", "substring", 4, 1) })
	check(`"banana".indexOf("an", 2)`, func() any { return sm("banana", "indexOf", "an", 2) })
	check(`"banana".lastIndexOf("an")`, func() any { return sm("banana", "lastIndexOf", "an") })
	check(`"banana".includes("nan")`, func() any { return sm("banana", "includes", "nan") })
	check(`"banana".startsWith("ban")`, func() any { return sm("banana", "startsWith", "ban") })
	check(`"banana".endsWith("an", 5)`, func() any { return sm("banana", "endsWith", "an", 5) })
	check(`"7".padStart(3, "0")`, func() any { return sm("7", "padStart", 3, "0") })
	check(`"abc".padEnd(8, "12")`, func() any { return sm("abc", "padEnd", 8, "12") })
	check(`"ab".repeat(3)`, func() any { return sm("ab", "repeat", 3) })
	check(`"ab".repeat(-1)`, func() any { return sm("ab", "repeat", -1) })
	check(`"a-b-c".replace("-", "+")`, func() any { return sm("a-b-c", "replace", "-", "+") })
	check(`"a-b-c".replace("-", "[$&]")`, func() any { return sm("a-b-c", "replace", "-", "[$&]") })
	check(`"a-b-c".replaceAll("-", "")`, func() any { return sm("a-b-c", "replaceAll", "-", "") })
	check(`"€".charCodeAt(0)`, func() any { return sm("€", "charCodeAt", 0) })
	check(`"abc".charCodeAt(9)`, func() any { return sm("abc", "charCodeAt", 9) })
	check(`"😀".charCodeAt(1)`, func() any { return sm("😀", "charCodeAt", 1) })
	check(`"😀".codePointAt(0)`, func() any { return sm("😀", "codePointAt", 0) })
	check(`"abc".at(-1)`, func() any { return sm("abc", "at", -1) })
	check(`"abc".at(5)`, func() any { return sm("abc", "at", 5) })
	check(`"a".concat(1, null, [2, 3])`, func() any { return sm("a", "concat", 1, nil, arr(2, 3)) })
	check(`"a".localeCompare("b")`, func() any { return sm("a", "localeCompare", "b") })
	check(`"b".localeCompare("a")`, func() any { return sm("b", "localeCompare", "a") })
	check(`"a".localeCompare("B")`, func() any { return sm("a", "localeCompare", "B") })
	check(`"abc".localeCompare("abc")`, func() any { return sm("abc", "localeCompare", "abc") })
	check(`"e\u0301".normalize("NFC") (and its length)`, func() any {
		s := sm("e\u0301", "normalize", "NFC")
		return arr(s, object.Invoke(s).Get("length"))
	})
	check(`"é".normalize("NFD").length`, func() any { return object.Invoke(sm("é", "normalize", "NFD")).Get("length") })
	check(`"x".normalize("bogus")`, func() any { return sm("x", "normalize", "bogus") })

	fmt.Println("== Number")
	for _, in := range []any{"42", "", "  12  ", "0x1f", "0b101", "1e3", "12px", "-Infinity", nil, js.Undefined(), true, arr(), arr(7)} {
		in := in
		check("Number("+lit(in)+")", func() any { return number.Invoke(in) })
	}
	check("Number.isInteger(5.0)", func() any { return number.Call("isInteger", 5.0) })
	check("Number.isInteger(5.5)", func() any { return number.Call("isInteger", 5.5) })
	check(`Number.isInteger("5")`, func() any { return number.Call("isInteger", "5") })
	check("Number.isSafeInteger(2**53-1)", func() any { return number.Call("isSafeInteger", 1<<53-1) })
	check("Number.isSafeInteger(2**53)", func() any { return number.Call("isSafeInteger", 1<<53) })
	check("Number.parseFloat === parseFloat", func() any { return number.Get("parseFloat").Equal(global.Get("parseFloat")) })
	check("Number.MAX_SAFE_INTEGER", func() any { return number.Get("MAX_SAFE_INTEGER") })
	check("Number.MAX_SAFE_INTEGER as Go int", func() any { return number.Get("MAX_SAFE_INTEGER").Int() })
	check("Number.EPSILON", func() any { return number.Get("EPSILON") })
	check("Number.EPSILON == Go 2^-52", func() any { return number.Get("EPSILON").Float() == math.Pow(2, -52) })
	check("Number.MIN_VALUE", func() any { return number.Get("MIN_VALUE") })
	check("Number.MAX_VALUE", func() any { return number.Get("MAX_VALUE") })
	check("(1.005).toFixed(2)", func() any { return nm(1.005, "toFixed", 2) })
	check("(2.5).toFixed(0)", func() any { return nm(2.5, "toFixed", 0) })
	check("(-1.5).toFixed(0)", func() any { return nm(-1.5, "toFixed", 0) })
	check("(1e21).toFixed(2)", func() any { return nm(1e21, "toFixed", 2) })
	check("(0.000001).toFixed(7)", func() any { return nm(0.000001, "toFixed", 7) })
	check("(1).toFixed(101)", func() any { return nm(1, "toFixed", 101) })
	check("(255).toString(2)", func() any { return nm(255, "toString", 2) })
	check("(-255).toString(16)", func() any { return nm(-255, "toString", 16) })
	check("(123456789).toString(36)", func() any { return nm(123456789, "toString", 36) })
	check("(0.5).toString(2)", func() any { return nm(0.5, "toString", 2) })
	check("(3.75).toString(16)", func() any { return nm(3.75, "toString", 16) })
	check("(10).toString(1)", func() any { return nm(10, "toString", 1) })
	check("(123.456).toPrecision(4)", func() any { return nm(123.456, "toPrecision", 4) })
	check("(0.000123456).toPrecision(2)", func() any { return nm(0.000123456, "toPrecision", 2) })
	check("(123456).toPrecision(2)", func() any { return nm(123456, "toPrecision", 2) })
	check("(1234.5).toExponential(2)", func() any { return nm(1234.5, "toExponential", 2) })
	check("Object(3.14159).toFixed(3)", func() any { return object.Invoke(3.14159).Call("toFixed", 3) })

	fmt.Println("== Boolean")
	for _, in := range []any{"", "false", 0, nan, "0", object.New(), arr(), nil} {
		in := in
		check("Boolean("+lit(in)+")", func() any { return global.Get("Boolean").Invoke(in) })
	}
	check("new Boolean(false): type, truthy, valueOf", func() any {
		b := global.Get("Boolean").New(false)
		return arr(b.Type().String(), b.Truthy(), b.Call("valueOf"))
	})

	fmt.Println("== parseInt, parseFloat, isNaN, isFinite")
	parseInt := global.Get("parseInt")
	for _, c := range [][]any{{"42px"}, {"0x1F"}, {"1F", 16}, {"101", 2}, {"z", 36}, {"  -17  "}, {"abc"}, {"12", 1}, {"123", 0}, {"0.0000005"}, {0.0000005}, {"9007199254740993"}, {""}} {
		c := c
		label := "parseInt(" + lit(c[0])
		if len(c) > 1 {
			label += ", " + lit(c[1])
		}
		check(label+")", func() any { return parseInt.Invoke(c...) })
	}
	for _, in := range []any{"3.14abc", ".5", "-.5e2", "Infinity", "1e1000", "abc", "  0x10", "1_000"} {
		in := in
		check("parseFloat("+lit(in)+")", func() any { return global.Call("parseFloat", in) })
	}
	check(`isNaN("abc")`, func() any { return global.Call("isNaN", "abc") })
	check(`isNaN("12")`, func() any { return global.Call("isNaN", "12") })
	check(`Number.isNaN("abc")`, func() any { return number.Call("isNaN", "abc") })
	check(`isFinite("12")`, func() any { return global.Call("isFinite", "12") })
	check(`Number.isFinite("12")`, func() any { return number.Call("isFinite", "12") })
	check(`isFinite(Infinity)`, func() any { return global.Call("isFinite", inf) })

	fmt.Println("== URI encoding")
	check(`encodeURIComponent("a b&c=d/é😀?")`, func() any { return global.Call("encodeURIComponent", "a b&c=d/é😀?") })
	check(`encodeURIComponent("-_.!~*'()")`, func() any { return global.Call("encodeURIComponent", "-_.!~*'()") })
	check(`encodeURI("http://x.com/a b?q=é&r=1#f g")`, func() any { return global.Call("encodeURI", "http://x.com/a b?q=é&r=1#f g") })
	check(`decodeURIComponent("%E2%82%AC%20%2F")`, func() any { return global.Call("decodeURIComponent", "%E2%82%AC%20%2F") })
	check(`decodeURIComponent("%e2%82%ac")`, func() any { return global.Call("decodeURIComponent", "%e2%82%ac") })
	check(`decodeURI("%E2%82%AC%20%2F%3F")`, func() any { return global.Call("decodeURI", "%E2%82%AC%20%2F%3F") })
	check(`decodeURIComponent("%")`, func() any { return global.Call("decodeURIComponent", "%") })
	check(`decodeURIComponent("%E2%82")`, func() any { return global.Call("decodeURIComponent", "%E2%82") })
	check(`decodeURIComponent("%C0%AF")`, func() any { return global.Call("decodeURIComponent", "%C0%AF") })
	check(`decodeURI("%zz")`, func() any { return global.Call("decodeURI", "%zz") })

	fmt.Println("== Symbol")
	tag := symbol.Invoke("tag")
	check(`Symbol("tag").Type()`, func() any { return tag.Type().String() })
	check(`String(Symbol("tag"))`, func() any { return jsString.Invoke(tag) })
	check(`Symbol("tag").Get("description")`, func() any { return tag.Get("description") })
	check(`Object(Symbol("tag")).description`, func() any { return object.Invoke(tag).Get("description") })
	check(`Object(Symbol()).description`, func() any { return object.Invoke(symbol.Invoke()).Get("description") })
	check(`Symbol("tag").String() (Go)`, func() any { return tag.String() })
	check(`Symbol("tag").Truthy() (Go)`, func() any { return tag.Truthy() })
	check(`Symbol.iterator type`, func() any { return symbol.Get("iterator").Type().String() })
	check(`String(Symbol.iterator)`, func() any { return jsString.Invoke(symbol.Get("iterator")) })
	check(`Symbol.iterator in Array.prototype`, func() any { return reflect.Call("has", array.Get("prototype"), symbol.Get("iterator")) })
	check(`Symbol("a") equals Symbol("a")`, func() any { return symbol.Invoke("a").Equal(symbol.Invoke("a")) })
	check(`Symbol.for("app") equals Symbol.for("app")`, func() any { return symbol.Call("for", "app").Equal(symbol.Call("for", "app")) })
	check(`Symbol.keyFor(Symbol.for("app"))`, func() any { return symbol.Call("keyFor", symbol.Call("for", "app")) })
	check(`new Symbol()`, func() any { return symbol.New() })
	check(`symbol-keyed property: Reflect.get, Object.keys, getOwnPropertySymbols`, func() any {
		o := object.New()
		reflect.Call("set", o, tag, "hidden")
		o.Set("plain", 1)
		return arr(reflect.Call("get", o, tag), object.Call("keys", o), object.Call("getOwnPropertySymbols", o).Length())
	})

	fmt.Println("== Object helpers")
	rec := object.New()
	rec.Set("b", 2)
	rec.Set("a", "x")
	rec.Set("1", true)
	check("Object.entries(rec)", func() any { return object.Call("entries", rec) })
	check("Object.values(rec)", func() any { return object.Call("values", rec) })
	check(`Object.fromEntries([["x",1],["y",[2]]])`, func() any { return object.Call("fromEntries", arr(arr("x", 1), arr("y", arr(2)))) })
	check("Object.isFrozen(rec) before freeze", func() any { return object.Call("isFrozen", rec) })
	check("Object.freeze(rec) returns rec", func() any { return object.Call("freeze", rec).Equal(rec) })
	check("Object.isFrozen(rec) after freeze", func() any { return object.Call("isFrozen", rec) })
	check("Set on frozen object (silently ignored), then Get", func() any {
		rec.Set("b", 99)
		rec.Set("new", 1)
		rec.Delete("a")
		return rec
	})
	check("Reflect.set on frozen object", func() any { return reflect.Call("set", rec, "b", 5) })
	check("Object.getPrototypeOf({}) === Object.prototype", func() any {
		return object.Call("getPrototypeOf", object.New()).Equal(object.Get("prototype"))
	})
	check("Object.getPrototypeOf([]) === Array.prototype", func() any {
		return object.Call("getPrototypeOf", arr()).Equal(array.Get("prototype"))
	})
	check("Object.getPrototypeOf(Object.create(null))", func() any { return object.Call("getPrototypeOf", object.Call("create", nil)) })
	check(`Object.getPrototypeOf("s") === String.prototype`, func() any { return object.Call("getPrototypeOf", "s").Equal(stringProto) })
	check("Object.assign({}, {a:1}, {b:2, a:3})", func() any {
		return object.Call("assign", object.New(), obj("a", 1), obj("b", 2, "a", 3))
	})

	fmt.Println("== Array constructors")
	check(`Array.from("héllo😀")`, func() any { return array.Call("from", "héllo😀") })
	check(`Array.from({length: 3})`, func() any { return array.Call("from", map[string]any{"length": 3}) })
	sq := fn(func(a []js.Value) any { return a[1].Int() * a[1].Int() })
	check(`Array.from({length: 5}, (_, i) => i*i)`, func() any { return array.Call("from", map[string]any{"length": 5}, sq) })
	sq.Release()
	check(`Array.of(7)`, func() any { return array.Call("of", 7) })
	check(`Array(3).length / Array.of(1, "a", null)`, func() any { return arr(array.Invoke(3).Length(), array.Call("of", 1, "a", nil)) })
	check(`new Array(-1)`, func() any { return array.New(-1) })

	fmt.Println("== Array.prototype methods with Go callbacks")
	nums := arr(5, 1, 10, 2, 8, 3)
	double := fn(func(a []js.Value) any { return a[0].Float() * 2 })
	even := fn(func(a []js.Value) any { return a[0].Int()%2 == 0 })
	sum := fn(func(a []js.Value) any { return a[0].Float() + a[1].Float() })
	bigger := fn(func(a []js.Value) any { return a[0].Float() > 6 })
	positive := fn(func(a []js.Value) any { return a[0].Float() > 0 })
	numeric := fn(func(a []js.Value) any { return a[0].Float() - a[1].Float() })
	descending := fn(func(a []js.Value) any { return a[1].Float() - a[0].Float() })
	check("nums", func() any { return nums })
	check("nums.map(x => x*2)", func() any { return nums.Call("map", double) })
	check("nums.filter(even)", func() any { return nums.Call("filter", even) })
	check("nums.reduce(sum)", func() any { return nums.Call("reduce", sum) })
	check("nums.reduce(sum, 100)", func() any { return nums.Call("reduce", sum, 100) })
	check("[].reduce(sum)", func() any { return arr().Call("reduce", sum) })
	check("nums.forEach(record index:value)", func() any {
		var seen []string
		each := fn(func(a []js.Value) any {
			seen = append(seen, fmt.Sprintf("%d:%d", a[1].Int(), a[0].Int()))
			return nil
		})
		defer each.Release()
		r := nums.Call("forEach", each)
		return arr(strings.Join(seen, " "), r)
	})
	check("nums.find(x > 6)", func() any { return nums.Call("find", bigger) })
	check("nums.findIndex(x > 6)", func() any { return nums.Call("findIndex", bigger) })
	check("nums.find(x > 100)", func() any {
		f := fn(func(a []js.Value) any { return a[0].Float() > 100 })
		defer f.Release()
		return arr(nums.Call("find", f), nums.Call("findIndex", f))
	})
	check("nums.some(even) / nums.every(even)", func() any { return arr(nums.Call("some", even), nums.Call("every", even)) })
	check("nums.every(positive) / [].every(even) / [].some(even)", func() any {
		return arr(nums.Call("every", positive), arr().Call("every", even), arr().Call("some", even))
	})
	check("callback calls stop early: some() visits", func() any {
		n := 0
		f := fn(func(a []js.Value) any { n++; return a[0].Int() == 10 })
		defer f.Release()
		nums.Call("some", f)
		return n
	})
	check("slice().sort() (default: by string)", func() any { return nums.Call("slice").Call("sort") })
	check("slice().sort(numeric)", func() any { return nums.Call("slice").Call("sort", numeric) })
	check("slice().sort(descending)", func() any { return nums.Call("slice").Call("sort", descending) })
	check("sort returns the same array", func() any { c := nums.Call("slice"); return c.Call("sort").Equal(c) })
	check(`["b","B","a","A","_","1"].sort()`, func() any { return arr("b", "B", "a", "A", "_", "1").Call("sort") })
	check("[3, undefined, 1, null].sort()", func() any { return arr(3, js.Undefined(), 1, nil).Call("sort") })
	check("stable sort by key", func() any {
		people := arr(arr("ann", 30), arr("bob", 25), arr("cid", 30), arr("dan", 25), arr("eve", 30))
		byAge := fn(func(a []js.Value) any { return a[0].Index(1).Int() - a[1].Index(1).Int() })
		defer byAge.Release()
		people.Call("sort", byAge)
		names := make([]string, people.Length())
		for i := range names {
			names[i] = people.Index(i).Index(0).String()
		}
		return strings.Join(names, ",")
	})
	check("sort with a comparator returning a non-number", func() any {
		f := fn(func(a []js.Value) any { return a[0].Int() > a[1].Int() })
		defer f.Release()
		return arr(3, 1, 2).Call("sort", f)
	})
	check("sort with a non-function comparator", func() any { return arr(2, 1).Call("sort", "nope") })
	check("[1,2,3].reverse()", func() any { return arr(1, 2, 3).Call("reverse") })
	check("[1].concat(2, [3, [4]])", func() any { return arr(1).Call("concat", 2, arr(3, arr(4))) })
	check("[1,[2,[3,[4]]]].flat()", func() any { return arr(1, arr(2, arr(3, arr(4)))).Call("flat") })
	check("[1,[2,[3,[4]]]].flat(Infinity)", func() any { return arr(1, arr(2, arr(3, arr(4)))).Call("flat", inf) })
	check("new Array(4).fill(0, 1, 3)", func() any { return array.New(4).Call("fill", 0, 1, 3) })
	check("splice(1, 2, 'x', 'y', 'z') result and array", func() any {
		a := arr("a", "b", "c", "d")
		removed := a.Call("splice", 1, 2, "x", "y", "z")
		return arr(removed, a)
	})
	check("splice(-1) result and array", func() any {
		a := arr("a", "b", "c")
		removed := a.Call("splice", -1)
		return arr(removed, a)
	})
	check("[1,2,1,2].lastIndexOf(2) / lastIndexOf(2, 2) / lastIndexOf(9)", func() any {
		a := arr(1, 2, 1, 2)
		return arr(a.Call("lastIndexOf", 2), a.Call("lastIndexOf", 2, 2), a.Call("lastIndexOf", 9))
	})
	check("[NaN].indexOf(NaN) / [NaN].includes(NaN)", func() any {
		a := arr(nan)
		return arr(a.Call("indexOf", nan), a.Call("includes", nan))
	})
	check(`Array.from(["a",,"c"].keys())`, func() any {
		a := arr("a")
		a.SetIndex(2, "c")
		return array.Call("from", a.Call("keys"))
	})
	check(`Array.from(["x","y"].entries())`, func() any { return array.Call("from", arr("x", "y").Call("entries")) })
	check(`[1, null, undefined, "s"].join("-")`, func() any { return arr(1, nil, js.Undefined(), "s").Call("join", "-") })

	for _, f := range []js.Func{double, even, sum, bigger, positive, numeric, descending} {
		f.Release()
	}
	fmt.Println("done")
}
