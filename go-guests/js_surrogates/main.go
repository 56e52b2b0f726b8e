// Command js_surrogates handles JavaScript strings that contain lone UTF-16
// surrogates from Go. Such a string stays intact while it is only passed
// around as a js.Value (stored, echoed, compared with Equal), but turning
// it into a Go string (Value.String) goes through TextEncoder, which
// replaces each lone surrogate with U+FFFD; and a Go string is turned into
// a JS string with TextDecoder, so Go cannot create a lone surrogate
// except through JS functions such as String.fromCharCode.
package main

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"syscall/js"
)

var (
	global      = js.Global()
	object      = global.Get("Object")
	array       = global.Get("Array")
	jsString    = global.Get("String")
	jsonObj     = global.Get("JSON")
	reflect     = global.Get("Reflect")
	harness     = global.Get("harness")
	stringProto = jsString.Get("prototype")
)

// sm calls String.prototype[m] with the JS string s as this.
func sm(s any, m string, args ...any) js.Value {
	return stringProto.Get(m).Call("call", append([]any{s}, args...)...)
}

// units lists the UTF-16 code units of a JS string in hex.
func units(s js.Value) string {
	n := object.Invoke(s).Get("length").Int()
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%04x", sm(s, "charCodeAt", i).Int())
	}
	return "[" + strings.Join(out, " ") + "]"
}

// goBytes shows the bytes of the Go string made from a JS string.
func goBytes(s js.Value) string { return hex.EncodeToString([]byte(s.String())) }

func bytesOf(v js.Value) string {
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return hex.EncodeToString(b)
}

func check(label string, f func() any) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(js.Error); ok {
				fmt.Printf("%s => threw %s: %s\n", label, e.Get("name").String(), e.Get("message").String())
				return
			}
			fmt.Printf("%s => Go panic: %v\n", label, r)
		}
	}()
	fmt.Printf("%s => %v\n", label, f())
}

func main() {
	high := jsString.Call("fromCharCode", 0xD800)
	low := jsString.Call("fromCharCode", 0xDE00)
	emoji := jsString.Call("fromCodePoint", 0x1F600)

	fmt.Println("== a lone surrogate in JS")
	check("String.fromCharCode(0xD800): Type, length, code units", func() any {
		return fmt.Sprint(high.Type(), " ", object.Invoke(high).Get("length").Int(), " ", units(high))
	})
	check("charCodeAt(0) / codePointAt(0)", func() any {
		return fmt.Sprint(sm(high, "charCodeAt", 0).Int(), " ", sm(high, "codePointAt", 0).Int())
	})
	check(`isWellFormed() / toWellFormed() code units`, func() any {
		return fmt.Sprint(sm(high, "isWellFormed").Bool(), " ", units(sm(high, "toWellFormed")))
	})

	fmt.Println("== joining a lone high and a lone low surrogate")
	pair := sm(high, "concat", low) // "\ud800\ude00" = U+10200
	check("high + low: length, code units, codePointAt(0) in hex", func() any {
		return fmt.Sprintf("%d %s %x", object.Invoke(pair).Get("length").Int(), units(pair), sm(pair, "codePointAt", 0).Int())
	})
	check("isWellFormed() of the pair", func() any { return sm(pair, "isWellFormed").Bool() })
	check("the pair as a Go string (valid UTF-8)", func() any { return goBytes(pair) + " " + strconv.Quote(pair.String()) })
	smile := sm(jsString.Call("fromCharCode", 0xD83D), "concat", low)
	check(`"\ud83d" + "\ude00" === "😀" made from Go (Equal) / === String.fromCodePoint(0x1F600)`, func() any {
		return fmt.Sprint(smile.Equal(js.ValueOf("😀")), " ", smile.Equal(emoji))
	})
	check(`[hi, lo].join("") equals the concatenation`, func() any {
		return js.ValueOf([]any{jsString.Call("fromCharCode", 0xD83D), low}).Call("join", "").Equal(smile)
	})
	check("low + high (wrong order): code units, Go bytes", func() any {
		rev := sm(low, "concat", high)
		return units(rev) + " " + goBytes(rev)
	})
	check(`"😀".slice(0, 1) / .slice(1): Go bytes`, func() any {
		return goBytes(sm("😀", "slice", 0, 1)) + " " + goBytes(sm("😀", "slice", 1))
	})
	check(`"😀".split("") vs Array.from("😀"): lengths`, func() any {
		return fmt.Sprint(sm("😀", "split", "").Length(), " ", array.Call("from", "😀").Length())
	})

	fmt.Println("== kept intact while it stays a js.Value")
	parsed := jsonObj.Call("parse", `"\ud800"`)
	check(`JSON.parse("\"\\ud800\"") === String.fromCharCode(0xD800)`, func() any { return parsed.Equal(high) })
	check("stored in an object property and read back (===)", func() any {
		o := object.New()
		o.Set("k", high)
		return o.Get("k").Equal(high)
	})
	check("stored in an array and read back (===)", func() any {
		a := array.New()
		a.Call("push", high, low)
		return fmt.Sprint(a.Index(0).Equal(high), " ", a.Index(1).Equal(low), " ", a.Index(0).Equal(low))
	})
	check("in a Map: get with the JSON-parsed copy", func() any {
		m := global.Get("Map").New()
		m.Call("set", high, "found")
		return m.Call("get", parsed).String()
	})
	check("harness.echo(lone) === lone", func() any { return harness.Call("echo", high).Equal(high) })
	check("harness.echo(pair) === pair", func() any { return harness.Call("echo", pair).Equal(pair) })
	check("through a Go callback returning the js.Value unchanged (===)", func() any {
		f := js.FuncOf(func(this js.Value, a []js.Value) any { return a[0] })
		defer f.Release()
		return harness.Call("apply", f, high).Equal(high)
	})
	check("through a Go callback returning args[0].String(): code units (lossy)", func() any {
		f := js.FuncOf(func(this js.Value, a []js.Value) any { return a[0].String() })
		defer f.Release()
		return units(harness.Call("apply", f, high))
	})

	fmt.Println("== converted to Go strings")
	check("Value.String() of the lone high surrogate: Go bytes", func() any { return goBytes(high) })
	check("Value.String() of the lone low surrogate: Go bytes", func() any { return goBytes(low) })
	check("a\\ud800b: Go bytes, utf8 rune count", func() any {
		s := sm("a", "concat", high, "b").String()
		return hex.EncodeToString([]byte(s)) + " " + strconv.Itoa(len([]rune(s)))
	})
	check("two different lone surrogates become the same Go string", func() any { return high.String() == low.String() })
	check("...but are different JS strings", func() any { return high.Equal(low) })
	check("object keys \\ud800 and \\udc00: JS sees 2 keys, Go sees them as", func() any {
		o := object.New()
		reflect.Call("set", o, high, 1)
		reflect.Call("set", o, jsString.Call("fromCharCode", 0xDC00), 2)
		keys := object.Call("keys", o)
		return fmt.Sprintf("%d keys: %+q %+q", keys.Length(), keys.Index(0).String(), keys.Index(1).String())
	})
	check(`o.Get("\ufffd") does not find the \ud800 key; Reflect.get with the JS value does`, func() any {
		o := object.New()
		reflect.Call("set", o, high, "v")
		return fmt.Sprint(o.Get("\ufffd").IsUndefined(), " ", reflect.Call("get", o, high).String())
	})

	fmt.Println("== Go strings with invalid UTF-8 sent to JS")
	for _, c := range []struct {
		label string
		s     string
	}{
		{`"\xed\xa0\x80" (UTF-8-style encoding of U+D800)`, "\xed\xa0\x80"},
		{`"a\xffb"`, "a\xffb"},
		{`"\xf0\x9f\x98" (truncated emoji)`, "\xf0\x9f\x98"},
		{`"\xc0\x80" (overlong NUL)`, "\xc0\x80"},
		{`"x\x00y" (NUL is fine)`, "x\x00y"},
	} {
		c := c
		check("js.ValueOf("+c.label+"): code units", func() any { return units(js.ValueOf(c.s)) })
	}

	fmt.Println("== encoders and JSON")
	enc := global.Get("TextEncoder").New()
	check("TextEncoder.encode(lone high)", func() any { return bytesOf(enc.Call("encode", high)) })
	check("TextEncoder.encode(high + low pair)", func() any { return bytesOf(enc.Call("encode", pair)) })
	check("TextEncoder.encode(\"a\" + lone low + lone high + \"b\")", func() any {
		return bytesOf(enc.Call("encode", sm("a", "concat", low, high, "b")))
	})
	check("encodeInto(lone high, 3 bytes): read, written", func() any {
		r := enc.Call("encodeInto", high, global.Get("Uint8Array").New(3))
		return fmt.Sprint(r.Get("read").Int(), " ", r.Get("written").Int())
	})
	check("JSON.stringify(lone high) (escaped)", func() any { return jsonObj.Call("stringify", high).String() })
	check("JSON.stringify(low + high)", func() any { return jsonObj.Call("stringify", sm(low, "concat", high)).String() })
	check("JSON.stringify(valid pair) (not escaped)", func() any { return goBytes(jsonObj.Call("stringify", smile)) })
	check("JSON.stringify({[lone]: lone})", func() any {
		o := object.New()
		reflect.Call("set", o, high, high)
		return jsonObj.Call("stringify", o).String()
	})
	check("JSON round trip keeps the lone surrogate (===)", func() any {
		return jsonObj.Call("parse", jsonObj.Call("stringify", high)).Equal(high)
	})
	check("encodeURIComponent(lone high)", func() any { return global.Call("encodeURIComponent", high).String() })
	check("encodeURIComponent(pair)", func() any { return global.Call("encodeURIComponent", pair).String() })
	check(`decodeURIComponent("%ED%A0%80")`, func() any { return units(global.Call("decodeURIComponent", "%ED%A0%80")) })
	check(`/^.$/u.test(lone) / /^.$/u.test(pair) / /^..$/.test(pair)`, func() any {
		re := func(p, f string) js.Value { return global.Get("RegExp").New(p, f) }
		return fmt.Sprint(re("^.$", "u").Call("test", high).Bool(), " ", re("^.$", "u").Call("test", pair).Bool(), " ", re("^..$", "").Call("test", pair).Bool())
	})

	fmt.Println("== ordering: JS compares UTF-16 code units, Go compares bytes")
	items := []any{"z", jsString.Call("fromCharCode", 0xE000), jsString.Call("fromCharCode", 0xFFFF), emoji, high, "é"}
	jsArr := js.ValueOf(items)
	jsArr.Call("sort")
	var jsOrder []string
	for i := 0; i < jsArr.Length(); i++ {
		jsOrder = append(jsOrder, units(jsArr.Index(i)))
	}
	check("JS default sort (code units)", func() any { return strings.Join(jsOrder, " ") })
	var goStrs []string
	for _, it := range items {
		goStrs = append(goStrs, js.ValueOf(it).String())
	}
	sort.Strings(goStrs)
	var goOrder []string
	for _, s := range goStrs {
		goOrder = append(goOrder, fmt.Sprintf("%+q", s))
	}
	check("Go sort.Strings of the converted strings (bytes)", func() any { return strings.Join(goOrder, " ") })
	check(`sort of ["😀", "\uffff"]: JS puts "😀" (d83d de00) first, Go would not`, func() any {
		a := js.ValueOf([]any{emoji, jsString.Call("fromCharCode", 0xFFFF)})
		a.Call("sort")
		return units(a.Index(0)) + " first"
	})
	check("lone high vs pair starting with the same unit: shorter first", func() any {
		a := js.ValueOf([]any{pair, high})
		a.Call("sort")
		return units(a.Index(0)) + " " + units(a.Index(1))
	})
	fmt.Println("done")
}
