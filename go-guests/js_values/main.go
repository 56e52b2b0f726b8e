// Command js_values converts every kind of value between Go and JavaScript
// with syscall/js and prints what comes back: undefined vs null, special
// numbers, integers around 2^53, and strings with non-ASCII text.
package main

import (
	"fmt"
	"math"
	"syscall/js"
)

func describe(label string, v js.Value) {
	s := fmt.Sprintf("%-28s type=%-9s", label, v.Type().String())
	switch v.Type() {
	case js.TypeNumber:
		f := v.Float()
		s += fmt.Sprintf(" float=%v signbit=%t", f, math.Signbit(f))
	case js.TypeString:
		s += fmt.Sprintf(" go=%q", v.String())
	case js.TypeBoolean:
		s += fmt.Sprintf(" bool=%t", v.Bool())
	}
	s += fmt.Sprintf(" String()=%q", v.String())
	fmt.Println(s)
}

func main() {
	echo := js.Global().Get("harness").Get("echo")
	roundTrip := func(x any) js.Value { return echo.Invoke(x) }

	// Undefined and null are different values and different types.
	describe("js.Undefined()", js.Undefined())
	describe("js.Null()", js.Null())
	describe("ValueOf(nil)", js.ValueOf(nil))
	describe("echo(undefined)", roundTrip(js.Undefined()))
	describe("echo(null)", roundTrip(js.Null()))
	describe("echo() with no argument", echo.Invoke())
	describe("missing property", js.Global().Get("noSuchGlobal"))

	// Booleans.
	describe("true", roundTrip(true))
	describe("false", roundTrip(false))

	// Special numbers.
	describe("NaN", roundTrip(math.NaN()))
	describe("+Inf", roundTrip(math.Inf(1)))
	describe("-Inf", roundTrip(math.Inf(-1)))
	describe("zero", roundTrip(0))
	describe("negative zero from Go", roundTrip(math.Copysign(0, -1)))
	describe("negative zero from JSON", js.Global().Get("JSON").Call("parse", "-0"))
	describe("Math.max(-0, -0) in JS", js.Global().Get("Math").Call("max", math.Copysign(0, -1), math.Copysign(0, -1)))
	describe("smallest denormal", roundTrip(math.SmallestNonzeroFloat64))
	describe("max float64", roundTrip(math.MaxFloat64))
	describe("0.1", roundTrip(0.1))
	describe("-1.5", roundTrip(-1.5))
	describe("1e21", roundTrip(1e21))
	describe("1e-7", roundTrip(1e-7))
	describe("123456789.125", roundTrip(123456789.125))

	// Integers: every Go integer type goes through float64.
	describe("int8 -128", roundTrip(int8(-128)))
	describe("uint8 255", roundTrip(uint8(255)))
	describe("int32 min", roundTrip(int32(math.MinInt32)))
	describe("uint32 max", roundTrip(uint32(math.MaxUint32)))
	describe("uintptr 7", roundTrip(uintptr(7)))
	describe("float32 0.1", roundTrip(float32(0.1)))

	two53 := int64(1) << 53
	v := roundTrip(two53)
	fmt.Printf("2^53: Int()=%d Float()=%.0f\n", v.Int(), v.Float())
	v = roundTrip(two53 + 1)
	fmt.Printf("2^53+1 stored in JS: Int()=%d (rounded to a double)\n", v.Int())
	v = js.Global().Get("JSON").Call("parse", "9007199254740993")
	fmt.Printf("JSON.parse(2^53+1): Int()=%d\n", v.Int())
	v = roundTrip(int64(-1) << 62)
	fmt.Printf("-2^62: Int()=%d\n", v.Int())
	v = roundTrip(2.9)
	fmt.Printf("2.9: Int()=%d (truncated)\n", v.Int())
	v = roundTrip(-2.9)
	fmt.Printf("-2.9: Int()=%d (truncated)\n", v.Int())

	// Strings.
	for _, s := range []string{"", "hello", "héllo wörld", "日本語", "emoji 😀👍🏽", "nul\x00byte", "tab\tand\nnewline", "\u2028\u2029", "\U0010FFFF"} {
		r := roundTrip(s)
		fmt.Printf("string %q: back=%q equal=%t\n", s, r.String(), r.String() == s)
	}
	// Invalid UTF-8 from Go is decoded with replacement characters.
	r := roundTrip("a\xffb\xe2\x82")
	fmt.Printf("invalid UTF-8: back=%q\n", r.String())
	// A lone surrogate in JS is encoded as U+FFFD when read as a Go string.
	lone := js.Global().Get("JSON").Call("parse", `"x\ud800y"`)
	fmt.Printf("lone surrogate: back=%q\n", lone.String())
	pair := js.Global().Get("JSON").Call("parse", `"\ud83d\ude00"`)
	fmt.Printf("surrogate pair from JSON: back=%q\n", pair.String())

	// Objects and functions.
	describe("Object", js.Global().Get("Object").New())
	describe("Array", js.Global().Get("Array").New())
	describe("function", js.Global().Get("harness").Get("echo"))
	describe("globalThis", js.Global())
	fmt.Println("globalThis.globalThis is js.Global():", js.Global().Get("globalThis").Equal(js.Global()))

	// ValueOf of Go composites.
	arr := js.ValueOf([]any{1, "two", true, nil, 2.5})
	fmt.Printf("ValueOf([]any): type=%s length=%d [1]=%q [3] null=%t\n", arr.Type(), arr.Length(), arr.Index(1).String(), arr.Index(3).IsNull())
	obj := js.ValueOf(map[string]any{"only": "key"})
	fmt.Printf("ValueOf(map): type=%s only=%q\n", obj.Type(), obj.Get("only").String())
	fmt.Println("ValueOf(js.Value) is the same value:", js.ValueOf(obj).Equal(obj))

	// Values that cannot be converted.
	func() {
		defer func() { fmt.Println("ValueOf(struct{}) panics:", recover()) }()
		js.ValueOf(struct{}{})
	}()
	func() {
		defer func() { fmt.Println("ValueOf([]byte) panics:", recover()) }()
		js.ValueOf([]byte("x"))
	}()
}
