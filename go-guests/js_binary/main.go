// Command js_binary works with JavaScript binary data from Go through
// syscall/js: ArrayBuffer, DataView (both byte orders), typed arrays over
// shared buffers with offsets, typed array methods and element
// conversions, and BigInt values with BigInt64Array/BigUint64Array.
//
// A BigInt has no js.Type: Value.Type (and so String, Truthy, Float, ...)
// panics with "bad type flag" for one. Go code therefore converts BigInts
// with the JS functions String(b), Number(b) and BigInt(string), and
// recognises them with Object.prototype.toString.
package main

import (
	"encoding/hex"
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
	reflect     = global.Get("Reflect")
	arrayBuffer = global.Get("ArrayBuffer")
	dataView    = global.Get("DataView")
	bigInt      = global.Get("BigInt")
	u8          = global.Get("Uint8Array")
	typeTag     = object.Get("prototype").Get("toString")
)

func isBigInt(v js.Value) bool { return typeTag.Call("call", v).String() == "[object BigInt]" }

// render shows a JS value in a JS-like notation (BigInts with an n suffix,
// typed arrays as Name[elements]); a Go value as "go" and its %v form.
func render(x any) string {
	v, ok := x.(js.Value)
	if !ok {
		return fmt.Sprintf("go %v", x)
	}
	if isBigInt(v) {
		return jsString.Invoke(v).String() + "n"
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
	if arrayBuffer.Call("isView", v).Bool() && !v.InstanceOf(dataView) {
		return v.Get("constructor").Get("name").String() + "[" + v.Call("join", ", ").String() + "]"
	}
	if v.InstanceOf(arrayBuffer) {
		return "ArrayBuffer(" + bytesOf(v) + ")"
	}
	return typeTag.Call("call", v).String()
}

// bytesOf returns the bytes of an ArrayBuffer (or of a view's range) in hex.
func bytesOf(v js.Value) string {
	var view js.Value
	if v.InstanceOf(arrayBuffer) {
		view = u8.New(v)
	} else {
		view = u8.New(v.Get("buffer"), v.Get("byteOffset"), v.Get("byteLength"))
	}
	b := make([]byte, view.Length())
	js.CopyBytesToGo(b, view)
	return hex.EncodeToString(b)
}

func explain(r any) string {
	if e, ok := r.(js.Error); ok {
		if e.Value.Type() == js.TypeObject {
			return "threw " + e.Get("name").String() + ": " + e.Get("message").String()
		}
		return "threw " + render(e.Value)
	}
	return fmt.Sprintf("Go panic: %v", r)
}

func check(label string, f func() any) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s => %s\n", label, explain(r))
		}
	}()
	fmt.Printf("%s => %s\n", label, render(f()))
}

func arr(xs ...any) js.Value { return js.ValueOf(xs) }

func ctor(name string) js.Value { return global.Get(name) }

// big makes a BigInt from a decimal string.
func big(s string) js.Value { return bigInt.Invoke(s) }

func main() {
	nan := math.NaN()
	inf := math.Inf(1)

	fmt.Println("== ArrayBuffer")
	buf := arrayBuffer.New(8)
	check("new ArrayBuffer(8).byteLength", func() any { return buf.Get("byteLength") })
	check("fresh buffer contents", func() any { return buf })
	u8.New(buf).Call("set", arr(1, 2, 3, 4, 5, 6, 7, 8))
	sl := buf.Call("slice", 2, 6)
	check("slice(2, 6)", func() any { return sl })
	check("slice(-3)", func() any { return buf.Call("slice", -3) })
	check("slice is a copy: write to the original, read the slice", func() any {
		u8.New(buf).SetIndex(2, 99)
		return sl
	})
	check("ArrayBuffer.isView(Uint8Array / DataView / ArrayBuffer / [])", func() any {
		return arr(arrayBuffer.Call("isView", u8.New(1)), arrayBuffer.Call("isView", dataView.New(buf)),
			arrayBuffer.Call("isView", buf), arrayBuffer.Call("isView", arr()))
	})
	check("new ArrayBuffer(-1)", func() any { return arrayBuffer.New(-1) })
	check("ArrayBuffer() without new", func() any { return arrayBuffer.Invoke(4) })

	fmt.Println("== DataView")
	dbuf := arrayBuffer.New(16)
	dv := dataView.New(dbuf, 4, 8)
	check("DataView(buf, 4, 8): byteOffset, byteLength, buffer identity", func() any {
		return arr(dv.Get("byteOffset"), dv.Get("byteLength"), dv.Get("buffer").Equal(dbuf))
	})
	check("setInt8(0, -5); getInt8(0), getUint8(0)", func() any {
		dv.Call("setInt8", 0, -5)
		return arr(dv.Call("getInt8", 0), dv.Call("getUint8", 0))
	})
	check("setUint16(0, 0x1234) big-endian (default): bytes, getUint16 BE, LE", func() any {
		dv.Call("setUint16", 0, 0x1234)
		return arr(bytesOf(dv)[:4], dv.Call("getUint16", 0), dv.Call("getUint16", 0, true))
	})
	check("setUint16(0, 0x1234, true) little-endian: bytes", func() any {
		dv.Call("setUint16", 0, 0x1234, true)
		return bytesOf(dv)[:4]
	})
	check("setInt32(0, -2, true): getInt32 LE, BE, getUint32 LE", func() any {
		dv.Call("setInt32", 0, -2, true)
		return arr(dv.Call("getInt32", 0, true), dv.Call("getInt32", 0), dv.Call("getUint32", 0, true))
	})
	check("setFloat32(0, 1.1): getFloat32, bytes", func() any {
		dv.Call("setFloat32", 0, 1.1)
		return arr(dv.Call("getFloat32", 0), bytesOf(dv)[:8])
	})
	check("setFloat32(0, 1e40) (overflows to Infinity)", func() any {
		dv.Call("setFloat32", 0, 1e40)
		return dv.Call("getFloat32", 0)
	})
	check("setFloat64(0, Math.PI, true): bytes, getFloat64 LE, BE", func() any {
		dv.Call("setFloat64", 0, math.Pi, true)
		return arr(bytesOf(dv), dv.Call("getFloat64", 0, true), dv.Call("getFloat64", 0))
	})
	check("setFloat64(0, NaN): bytes", func() any {
		dv.Call("setFloat64", 0, nan)
		return bytesOf(dv)
	})
	check("setBigInt64(0, -2n): bytes, getBigInt64 BE, getBigUint64 BE, getBigInt64 LE", func() any {
		dv.Call("setBigInt64", 0, big("-2"))
		return arr(bytesOf(dv), dv.Call("getBigInt64", 0), dv.Call("getBigUint64", 0), dv.Call("getBigInt64", 0, true))
	})
	check("setBigUint64(0, 2n**64n + 5n, true) wraps", func() any {
		dv.Call("setBigUint64", 0, big("18446744073709551621"), true)
		return arr(bytesOf(dv), dv.Call("getBigUint64", 0, true))
	})
	check("setBigInt64(0, 5) with a Number", func() any { return dv.Call("setBigInt64", 0, 5) })
	check("setInt32(0, 2**32 + 7): wraps", func() any {
		dv.Call("setInt32", 0, 1<<32+7)
		return dv.Call("getInt32", 0)
	})
	check("getUint32(6) (past the end of the view)", func() any { return dv.Call("getUint32", 6) })
	check("getInt8(-1)", func() any { return dv.Call("getInt8", -1) })
	check("the view wrote only bytes 4..11 of the buffer", func() any { return dbuf })
	check("new DataView(buf, 20)", func() any { return dataView.New(dbuf, 20) })
	check("new DataView(new Uint8Array(2))", func() any { return dataView.New(u8.New(2)) })

	fmt.Println("== typed arrays over one buffer")
	shared := arrayBuffer.New(16)
	bytes := u8.New(shared)
	words := ctor("Int32Array").New(shared, 4, 2)
	halves := ctor("Uint16Array").New(shared, 8)
	check("Int32Array(buf, 4, 2): length, byteOffset, byteLength", func() any {
		return arr(words.Length(), words.Get("byteOffset"), words.Get("byteLength"))
	})
	check("Uint16Array(buf, 8): length", func() any { return halves.Length() })
	check("words[0] = -1, words[1] = 0x01020304: the bytes (little-endian)", func() any {
		words.SetIndex(0, -1)
		words.SetIndex(1, 0x01020304)
		return bytes
	})
	check("halves see words[1]: halves[0], halves[1]", func() any { return arr(halves.Index(0), halves.Index(1)) })
	check("new Int32Array(buf, 2) (unaligned)", func() any { return ctor("Int32Array").New(shared, 2) })
	check("new Int32Array(buf, 4, 4) (too long)", func() any { return ctor("Int32Array").New(shared, 4, 4) })
	check("new Uint16Array(new ArrayBuffer(3))", func() any { return ctor("Uint16Array").New(arrayBuffer.New(3)) })
	check("words[5] = 1 (out of range: ignored), words[5]", func() any {
		words.SetIndex(5, 1)
		return arr(words.Index(5), words.Length())
	})

	fmt.Println("== Uint8Array.from / of and conversions")
	check("Uint8Array.from([1, 2, 300, -1, 1.7])", func() any { return u8.Call("from", arr(1, 2, 300, -1, 1.7)) })
	check(`Uint8Array.from("123")`, func() any { return u8.Call("from", "123") })
	check("Uint8Array.from({length: 3}, (_, i) => i * 100)", func() any {
		f := js.FuncOf(func(this js.Value, a []js.Value) any { return a[1].Int() * 100 })
		defer f.Release()
		return u8.Call("from", map[string]any{"length": 3}, f)
	})
	check("Uint8Array.of(1, 256, -1)", func() any { return u8.Call("of", 1, 256, -1) })
	check("Int8Array.of(127, 128, 255, 256, -129, 1.9, -1.9, NaN, Infinity)", func() any {
		return ctor("Int8Array").Call("of", 127, 128, 255, 256, -129, 1.9, -1.9, nan, inf)
	})
	check("Uint8ClampedArray.of(300, -5, 1.5, 2.5, 254.5, NaN)", func() any {
		return ctor("Uint8ClampedArray").Call("of", 300, -5, 1.5, 2.5, 254.5, nan)
	})
	check("Uint16Array.of(65541, -1)", func() any { return ctor("Uint16Array").Call("of", 65541, -1) })
	check("Int32Array.of(2**31, 2**32 + 1, -(2**31) - 1)", func() any {
		return ctor("Int32Array").Call("of", 1<<31, 1<<32+1, -(1<<31)-1)
	})
	check("Uint32Array.of(-1)", func() any { return ctor("Uint32Array").Call("of", -1) })
	check("Float32Array.of(0.1, 16777217, 1e39)", func() any { return ctor("Float32Array").Call("of", 0.1, 16777217, 1e39) })
	check(`Int8Array.of("12", "x", true, null)`, func() any { return ctor("Int8Array").Call("of", "12", "x", true, nil) })
	check("Go reads an Int8Array element -1 as", func() any { return ctor("Int8Array").Call("of", 255).Index(0).Int() })

	fmt.Println("== TypedArray.prototype methods")
	ta := u8.Call("of", 10, 9, 1, 100, 9)
	check("ta", func() any { return ta })
	check("ta.join() / ta.join(\"-\") / ta.toString()", func() any {
		return arr(ta.Call("join"), ta.Call("join", "-"), ta.Call("toString"))
	})
	check("ta.indexOf(9) / lastIndexOf(9) / indexOf(300) / includes(100) / includes(\"100\")", func() any {
		return arr(ta.Call("indexOf", 9), ta.Call("lastIndexOf", 9), ta.Call("indexOf", 300), ta.Call("includes", 100), ta.Call("includes", "100"))
	})
	check("ta.map(x => x * 3) (stays a Uint8Array: wraps)", func() any {
		f := js.FuncOf(func(this js.Value, a []js.Value) any { return a[0].Int() * 3 })
		defer f.Release()
		return ta.Call("map", f)
	})
	check("ta.slice().sort() (numeric, unlike Array)", func() any { return ta.Call("slice").Call("sort") })
	check("ta.slice().sort(descending)", func() any {
		f := js.FuncOf(func(this js.Value, a []js.Value) any { return a[1].Int() - a[0].Int() })
		defer f.Release()
		return ta.Call("slice").Call("sort", f)
	})
	check("Float64Array.of(3, NaN, -Infinity, 0.5).sort()", func() any {
		return ctor("Float64Array").Call("of", 3, nan, math.Inf(-1), 0.5).Call("sort")
	})
	check("ta.slice().reverse()", func() any { return ta.Call("slice").Call("reverse") })
	check("ta.at(-1)", func() any { return ta.Call("at", -1) })
	sub := ta.Call("subarray", 1, 3)
	cp := ta.Call("slice", 1, 3)
	check("subarray(1, 3) and slice(1, 3)", func() any { return arr(sub, cp) })
	check("subarray shares memory, slice does not: sub.fill(7)", func() any {
		sub.Call("fill", 7)
		return arr(ta, cp, sub.Get("byteOffset"), sub.Get("buffer").Equal(ta.Get("buffer")))
	})
	check("ta.fill(0, -2)", func() any { return ta.Call("fill", 0, -2) })
	check("set([1, 2], 3)", func() any {
		ta.Call("set", arr(1, 2), 3)
		return ta
	})
	check("set(Int8Array.of(-1, -2)) (converted)", func() any {
		ta.Call("set", ctor("Int8Array").Call("of", -1, -2))
		return ta
	})
	check("set([1, 2], 4) (does not fit)", func() any { return ta.Call("set", arr(1, 2), 4) })
	check("overlapping set: ta.set(ta.subarray(0, 3), 1)", func() any {
		t := u8.Call("of", 1, 2, 3, 4, 5)
		t.Call("set", t.Call("subarray", 0, 3), 1)
		return t
	})
	check("Array.from(Uint16Array.of(1, 2)) / Array.isArray(typed array)", func() any {
		t := ctor("Uint16Array").Call("of", 1, 2)
		return arr(array.Call("from", t), array.Call("isArray", t))
	})
	check("Uint8Array.prototype is shared with Int8Array (TypedArray)", func() any {
		p1 := object.Call("getPrototypeOf", u8.Get("prototype"))
		p2 := object.Call("getPrototypeOf", ctor("Int8Array").Get("prototype"))
		return arr(p1.Equal(p2), p1.Get("constructor").Get("name"))
	})
	check("BYTES_PER_ELEMENT for 8 kinds", func() any {
		var out []string
		for _, n := range []string{"Int8Array", "Uint8Array", "Int16Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"} {
			out = append(out, n+"="+render(ctor(n).Get("BYTES_PER_ELEMENT")))
		}
		return strings.Join(out, " ")
	})

	fmt.Println("== BigInt")
	b := big("123456789012345678901234567890")
	check(`BigInt("123456789012345678901234567890")`, func() any { return b })
	check("Value.Type() of a BigInt", func() any { return b.Type().String() })
	check("Value.String() of a BigInt", func() any { return b.String() })
	check("Value.Truthy() of a BigInt", func() any { return b.Truthy() })
	check("Value.Int() of a BigInt", func() any { return b.Int() })
	check("Object.prototype.toString.call(b)", func() any { return typeTag.Call("call", b) })
	check("String(b)", func() any { return jsString.Invoke(b) })
	check("BigInt.prototype.toString.call(b, 16)", func() any { return bigInt.Get("prototype").Get("toString").Call("call", b, 16) })
	check("BigInt.prototype.toString.call(b, 36)", func() any { return bigInt.Get("prototype").Get("toString").Call("call", b, 36) })
	check("Number(b)", func() any { return number.Invoke(b) })
	check("BigInt(42) / BigInt(-0) / BigInt(true) / BigInt(\"0x1f\") / BigInt(\"  7  \")", func() any {
		return arr(bigInt.Invoke(42), bigInt.Invoke(0), bigInt.Invoke(true), bigInt.Invoke("0x1f"), bigInt.Invoke("  7  "))
	})
	check("BigInt(2**53 + 2)", func() any { return bigInt.Invoke(float64(1<<53 + 2)) })
	check("BigInt(1.5)", func() any { return bigInt.Invoke(1.5) })
	check(`BigInt("1.5")`, func() any { return bigInt.Invoke("1.5") })
	check(`BigInt("abc")`, func() any { return bigInt.Invoke("abc") })
	check("BigInt(undefined)", func() any { return bigInt.Invoke(js.Undefined()) })
	check("new BigInt(1)", func() any { return bigInt.New(1) })
	check("BigInt.asIntN(8, 255n) / asIntN(8, 128n) / asIntN(64, 2n**63n)", func() any {
		return arr(bigInt.Call("asIntN", 8, big("255")), bigInt.Call("asIntN", 8, big("128")), bigInt.Call("asIntN", 64, big("9223372036854775808")))
	})
	check("BigInt.asUintN(64, -1n) / asUintN(8, 257n) / asUintN(0, 5n)", func() any {
		return arr(bigInt.Call("asUintN", 64, big("-1")), bigInt.Call("asUintN", 8, big("257")), bigInt.Call("asUintN", 0, big("5")))
	})
	check("equal BigInts are Equal in Go (same primitive value)", func() any {
		return arr(big("5").Equal(bigInt.Invoke(5)), big("5").Equal(big("6")), big("5").Equal(js.ValueOf(5)))
	})
	check("JSON.stringify(b)", func() any { return global.Get("JSON").Call("stringify", b) })
	check("Go int64 -> BigInt -> Go int64 via strings", func() any {
		var out []string
		for _, x := range []int64{math.MinInt64, -1, 0, 1 << 60, math.MaxInt64} {
			back, err := strconv.ParseInt(jsString.Invoke(big(strconv.FormatInt(x, 10))).String(), 10, 64)
			out = append(out, fmt.Sprintf("%d:%t", x, err == nil && back == x))
		}
		return strings.Join(out, " ")
	})

	fmt.Println("== BigInt64Array / BigUint64Array")
	b64 := ctor("BigInt64Array").New(3)
	check("new BigInt64Array(3)", func() any { return b64 })
	check("SetIndex with BigInts, Index back", func() any {
		b64.SetIndex(0, big("-9223372036854775808"))
		b64.SetIndex(1, big("9223372036854775807"))
		b64.SetIndex(2, big("9223372036854775808")) // wraps
		return arr(b64.Index(0), b64.Index(1), b64.Index(2))
	})
	check("the same bytes as BigUint64Array", func() any { return ctor("BigUint64Array").New(b64.Get("buffer")) })
	check("Reflect.set(b64, 0, 5) (a Number)", func() any { return reflect.Call("set", b64, 0, 5) })
	check(`Reflect.set(b64, 0, "77") (a numeric string converts)`, func() any {
		return arr(reflect.Call("set", b64, 0, "77"), b64.Index(0))
	})
	check("BigUint64Array.from([-1n, 2n**64n + 1n])", func() any {
		return ctor("BigUint64Array").Call("from", arr(big("-1"), big("18446744073709551617")))
	})
	check("BigInt64Array.of(1n, 2n).includes(2n) / indexOf(2) ", func() any {
		t := ctor("BigInt64Array").Call("of", big("1"), big("2"))
		return arr(t.Call("includes", big("2")), t.Call("indexOf", 2))
	})
	check("BigInt64Array.from([1, 2]) (Numbers)", func() any { return ctor("BigInt64Array").Call("from", arr(1, 2)) })
	check("BigInt64Array elements with Go's Value.Int", func() any { return ctor("BigInt64Array").New(1).Index(0).Int() })
	fmt.Println("done")
}
