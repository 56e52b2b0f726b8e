// Command js_text_url uses the JavaScript text and URL globals from Go
// through syscall/js: TextEncoder (encode, encodeInto), TextDecoder (valid
// and invalid UTF-8, BOM handling, streaming, fatal mode, utf-16le),
// atob/btoa, URL (components, normalisation, relative resolution, setters,
// errors) and URLSearchParams.
package main

import (
	"encoding/hex"
	"fmt"
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
	u8          = global.Get("Uint8Array")
	textEncoder = global.Get("TextEncoder")
	textDecoder = global.Get("TextDecoder")
	url         = global.Get("URL")
	params      = global.Get("URLSearchParams")
	stringProto = jsString.Get("prototype")
)

// render shows a JS value in a JS-like notation (a Uint8Array as hex
// bytes); a Go value prints as "go" and its %v form.
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
	if v.InstanceOf(u8) {
		b := make([]byte, v.Length())
		js.CopyBytesToGo(b, v)
		return "bytes(" + hex.EncodeToString(b) + ")"
	}
	return jsonObj.Call("stringify", v).String()
}

// explain prints a thrown error's name, its code property when it has one
// (Node's errors and DOMExceptions do) and its message.
func explain(r any) string {
	if e, ok := r.(js.Error); ok {
		if e.Value.Type() == js.TypeObject {
			s := "threw " + e.Get("name").String()
			if c := e.Get("code"); !c.IsUndefined() {
				s += " (code " + render(c) + ")"
			}
			return s + ": " + e.Get("message").String()
		}
		return "threw " + render(e.Value)
	}
	return fmt.Sprintf("Go panic: %v", r)
}

// explainNoMessage is explain without the message, for errors whose text
// is an implementation detail.
func explainNoMessage(r any) string {
	if e, ok := r.(js.Error); ok && e.Value.Type() == js.TypeObject {
		s := "threw " + e.Get("name").String()
		if c := e.Get("code"); !c.IsUndefined() {
			s += " (code " + render(c) + ")"
		}
		return s
	}
	return explain(r)
}

func check(label string, f func() any) { checkWith(explain, label, f) }

func checkName(label string, f func() any) { checkWith(explainNoMessage, label, f) }

func checkWith(ex func(any) string, label string, f func() any) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s => %s\n", label, ex(r))
		}
	}()
	fmt.Printf("%s => %s\n", label, render(f()))
}

func arr(xs ...any) js.Value { return js.ValueOf(xs) }

func bytes(b ...byte) js.Value {
	v := u8.New(len(b))
	js.CopyBytesToJS(v, b)
	return v
}

// obj builds a plain object from key, value pairs in order.
func obj(kv ...any) js.Value {
	o := object.New()
	for i := 0; i < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// codes lists the UTF-16 code units of a JS string.
func codes(s js.Value) string {
	n := object.Invoke(s).Get("length").Int()
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%04x", stringProto.Get("charCodeAt").Call("call", s, i).Int())
	}
	return strings.Join(out, " ")
}

func main() {
	fmt.Println("== TextEncoder")
	enc := textEncoder.New()
	check("encoding", func() any { return enc.Get("encoding") })
	check(`encode("héllo😀")`, func() any { return enc.Call("encode", "héllo😀") })
	check(`encode("")`, func() any { return enc.Call("encode", "") })
	check(`encode() (undefined)`, func() any { return enc.Call("encode") })
	check(`encode(42)`, func() any { return enc.Call("encode", 42) })
	check("encode result is a Uint8Array over its own buffer", func() any {
		r := enc.Call("encode", "abc")
		return arr(r.InstanceOf(u8), r.Get("byteOffset"), r.Get("buffer").Get("byteLength"))
	})
	check(`encodeInto("héllo", new Uint8Array(4)): read, written, bytes`, func() any {
		dst := u8.New(4)
		r := enc.Call("encodeInto", "héllo", dst)
		return arr(r.Get("read"), r.Get("written"), dst)
	})
	check(`encodeInto("a😀", new Uint8Array(3)) (the emoji does not fit)`, func() any {
		dst := u8.New(3)
		r := enc.Call("encodeInto", "a😀", dst)
		return arr(r.Get("read"), r.Get("written"), dst)
	})
	check(`encodeInto("a😀b", new Uint8Array(8))`, func() any {
		dst := u8.New(8)
		r := enc.Call("encodeInto", "a😀b", dst)
		return arr(r.Get("read"), r.Get("written"), dst)
	})
	check(`encodeInto into a subarray at offset 2`, func() any {
		dst := u8.New(6)
		enc.Call("encodeInto", "xyz", dst.Call("subarray", 2))
		return dst
	})
	checkName(`encodeInto("x", [])`, func() any { return enc.Call("encodeInto", "x", arr()) })

	fmt.Println("== TextDecoder")
	dec := textDecoder.New()
	check("encoding / fatal / ignoreBOM", func() any { return arr(dec.Get("encoding"), dec.Get("fatal"), dec.Get("ignoreBOM")) })
	check(`decode(c3a9 e282ac f09f9880)`, func() any { return dec.Call("decode", bytes(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)) })
	check(`decode() / decode(empty)`, func() any { return arr(dec.Call("decode"), dec.Call("decode", u8.New(0))) })
	for _, c := range []struct {
		name string
		b    []byte
	}{
		{"61 ff 62 (invalid byte)", []byte{0x61, 0xff, 0x62}},
		{"e2 82 (truncated)", []byte{0xe2, 0x82}},
		{"e2 82 41 (truncated, then A)", []byte{0xe2, 0x82, 0x41}},
		{"c0 af (overlong)", []byte{0xc0, 0xaf}},
		{"ed a0 80 (encoded surrogate)", []byte{0xed, 0xa0, 0x80}},
		{"f4 90 80 80 (above U+10FFFF)", []byte{0xf4, 0x90, 0x80, 0x80}},
		{"80 80 (lone continuations)", []byte{0x80, 0x80}},
	} {
		c := c
		check("decode "+c.name+": code units", func() any { return codes(dec.Call("decode", bytes(c.b...))) })
	}
	check(`decode(ef bb bf 61) (BOM removed)`, func() any { return codes(dec.Call("decode", bytes(0xef, 0xbb, 0xbf, 0x61))) })
	check(`ignoreBOM: true keeps it`, func() any {
		return codes(textDecoder.New("utf-8", obj("ignoreBOM", true)).Call("decode", bytes(0xef, 0xbb, 0xbf, 0x61)))
	})
	check(`decode(ArrayBuffer) and decode(DataView)`, func() any {
		b := bytes(0x68, 0x69)
		return arr(dec.Call("decode", b.Get("buffer")), dec.Call("decode", global.Get("DataView").New(b.Get("buffer"), 1)))
	})
	check(`decode(Uint16Array.of(0x6968)) (any view: its bytes)`, func() any {
		return dec.Call("decode", global.Get("Uint16Array").Call("of", 0x6968))
	})
	checkName(`decode("text")`, func() any { return dec.Call("decode", "text") })
	check("streaming: e2 82 {stream: true}, then ac", func() any {
		sd := textDecoder.New()
		a := sd.Call("decode", bytes(0xe2, 0x82), obj("stream", true))
		b := sd.Call("decode", bytes(0xac))
		return arr(a, b)
	})
	check("streaming: e2 82 {stream: true}, then end of stream", func() any {
		sd := textDecoder.New()
		a := sd.Call("decode", bytes(0xe2, 0x82), obj("stream", true))
		return arr(a, codes(sd.Call("decode")))
	})
	fatal := textDecoder.New("utf-8", obj("fatal", true))
	check("fatal decoder: fatal property / valid input", func() any {
		return arr(fatal.Get("fatal"), fatal.Call("decode", bytes(0x6f, 0x6b)))
	})
	checkName("fatal decoder: 61 ff", func() any { return fatal.Call("decode", bytes(0x61, 0xff)) })
	checkName("fatal decoder: truncated e2 82", func() any { return fatal.Call("decode", bytes(0xe2, 0x82)) })
	check(`labels: "UTF8", " utf-8 ", "unicode-1-1-utf-8"`, func() any {
		return arr(textDecoder.New("UTF8").Get("encoding"), textDecoder.New(" utf-8 ").Get("encoding"),
			textDecoder.New("unicode-1-1-utf-8").Get("encoding"))
	})
	utf16 := textDecoder.New("utf-16le")
	check(`new TextDecoder("utf-16le"): encoding, decode 68 00 69 00 3d d8 00 de`, func() any {
		return arr(utf16.Get("encoding"), utf16.Call("decode", bytes(0x68, 0, 0x69, 0, 0x3d, 0xd8, 0x00, 0xde)))
	})
	check(`utf-16le with a lone surrogate and an odd byte: code units`, func() any {
		return codes(utf16.Call("decode", bytes(0x00, 0xd8, 0x41, 0x00, 0x42)))
	})
	checkName(`new TextDecoder("bogus")`, func() any { return textDecoder.New("bogus") })
	checkName("TextDecoder() without new", func() any { return textDecoder.Invoke() })

	fmt.Println("== atob / btoa")
	check(`btoa("hello") / btoa("") / btoa("\xff\xfe" as Latin-1 chars)`, func() any {
		return arr(global.Call("btoa", "hello"), global.Call("btoa", ""), global.Call("btoa", "\u00ff\u00fe"))
	})
	check(`btoa("é") (U+00E9 is Latin-1)`, func() any { return global.Call("btoa", "é") })
	checkName(`btoa("😀")`, func() any { return global.Call("btoa", "😀") })
	checkName(`btoa("€")`, func() any { return global.Call("btoa", "€") })
	check(`btoa(null) / btoa(12)`, func() any { return arr(global.Call("btoa", nil), global.Call("btoa", 12)) })
	check(`atob("aGVsbG8=") / atob("aGVsbG8") / atob(" aGVs\nbG8= ")`, func() any {
		return arr(global.Call("atob", "aGVsbG8="), global.Call("atob", "aGVsbG8"), global.Call("atob", " aGVs\nbG8= "))
	})
	check(`atob("6Q==") as a Go string (the char U+00E9 arrives as UTF-8)`, func() any {
		return hex.EncodeToString([]byte(global.Call("atob", "6Q==").String()))
	})
	check(`atob("//79") code units (binary string)`, func() any { return codes(global.Call("atob", "//79")) })
	check(`bytes of atob("//79") via Uint8Array.from(s, c => c.charCodeAt(0))`, func() any {
		f := js.FuncOf(func(this js.Value, a []js.Value) any { return stringProto.Get("charCodeAt").Call("call", a[0], 0) })
		defer f.Release()
		return u8.Call("from", global.Call("atob", "//79"), f)
	})
	checkName(`atob("!!!")`, func() any { return global.Call("atob", "!!!") })
	checkName(`atob("abcde") (bad length)`, func() any { return global.Call("atob", "abcde") })
	check(`atob("YQ") / atob("YR==") (non-zero padding bits)`, func() any {
		return arr(global.Call("atob", "YQ"), global.Call("atob", "YR=="))
	})
	checkName(`atob("-_8") (base64url alphabet)`, func() any { return global.Call("atob", "-_8") })

	fmt.Println("== URL")
	u := url.New("https://user:pw@Example.COM:8080/a/b/../c/./d?x=1&y=%20z#frag")
	for _, prop := range []string{"href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash", "origin"} {
		prop := prop
		check("URL."+prop, func() any { return u.Get(prop) })
	}
	check("String(url) / url.toJSON() / JSON.stringify({u: url})", func() any {
		return arr(jsString.Invoke(u), u.Call("toJSON"), jsonObj.Call("stringify", obj("u", u)))
	})
	check("url.searchParams.get(\"y\") / get(\"x\") / get(\"none\")", func() any {
		sp := u.Get("searchParams")
		return arr(sp.Call("get", "y"), sp.Call("get", "x"), sp.Call("get", "none"))
	})
	check("searchParams.append changes url.search; same object each time", func() any {
		sp := u.Get("searchParams")
		sp.Call("append", "added", "a b&c")
		return arr(u.Get("search"), sp.Equal(u.Get("searchParams")))
	})
	check("default port is dropped: https://x.com:443/ and http://x.com:80", func() any {
		return arr(url.New("https://x.com:443/").Get("href"), url.New("http://x.com:80").Get("href"), url.New("http://x.com:80").Get("port"))
	})
	check("path percent-encoding: https://x.com/a b/é/%41?q=a b#h h", func() any {
		v := url.New("https://x.com/a b/é/%41?q=a b#h h")
		return arr(v.Get("pathname"), v.Get("search"), v.Get("hash"))
	})
	check("unicode query: https://x.com/?q=日本 search and searchParams", func() any {
		v := url.New("https://x.com/?q=日本")
		return arr(v.Get("search"), v.Get("searchParams").Call("get", "q"))
	})
	check("IDN host: https://mañana.com/ hostname", func() any { return url.New("https://mañana.com/").Get("hostname") })
	check("IPv4 and IPv6 hosts", func() any {
		return arr(url.New("http://0x7f.1/").Get("host"), url.New("http://[::FFFF:127.0.0.1]:81/").Get("host"))
	})
	check("non-special scheme: mailto:me@x.org and file:///tmp/a%20b", func() any {
		m := url.New("mailto:me@x.org")
		f := url.New("file:///tmp/a%20b")
		return arr(m.Get("protocol"), m.Get("pathname"), m.Get("origin"), f.Get("pathname"), f.Get("origin"), f.Get("host"))
	})
	base := "https://a.com/b/c/d?q=1#h"
	for _, rel := range []string{"../x", "./x", "x", "/abs", "?only=query", "#frag2", "//other.org/p", "", "../../../../x", "http://new.org"} {
		rel := rel
		check(fmt.Sprintf("new URL(%q, base)", rel), func() any { return url.New(rel, base).Get("href") })
	}
	check(`new URL("x", new URL(base)) (URL object as base)`, func() any { return url.New("x", url.New(base)).Get("href") })
	checkName(`new URL("not a url")`, func() any { return url.New("not a url") })
	checkName(`new URL("/x") without a base`, func() any { return url.New("/x") })
	checkName(`new URL("x", "bad base")`, func() any { return url.New("x", "bad base") })
	checkName(`new URL("https://exa mple.com")`, func() any { return url.New("https://exa mple.com") })
	func() {
		defer func() {
			e := recover().(js.Error)
			fmt.Printf("new URL(\"::\") error: instanceof TypeError=%t input=%s\n",
				e.InstanceOf(global.Get("TypeError")), render(e.Get("input")))
		}()
		url.New("::")
	}()
	check(`URL.canParse("https://x") / canParse("nope") / canParse("x", "https://b/")`, func() any {
		return arr(url.Call("canParse", "https://x"), url.Call("canParse", "nope"), url.Call("canParse", "x", "https://b/"))
	})
	check("setters: search, hash, pathname, port, hostname, protocol", func() any {
		v := url.New("http://host.com/path?a=1#h")
		v.Set("search", "z=2 3")
		v.Set("hash", "")
		v.Set("pathname", "p q/ü")
		v.Set("port", "8081")
		v.Set("hostname", "other.org")
		v.Set("protocol", "https")
		return v.Get("href")
	})
	check("invalid setter values are ignored: port 99999, port abc, protocol 1x", func() any {
		v := url.New("http://h.com:81/")
		v.Set("port", "99999")
		a := v.Get("port")
		v.Set("port", "abc")
		b := v.Get("port")
		v.Set("protocol", "1x")
		return arr(a, b, v.Get("protocol"))
	})
	// A throwing setter must not be reached with Value.Set: wasm_exec.js
	// does not catch exceptions there. Reflect.set through Call is safe.
	check("setting href to an invalid URL (Reflect.set)", func() any {
		return global.Get("Reflect").Call("set", url.New("http://h.com/"), "href", "no scheme")
	})

	fmt.Println("== URLSearchParams")
	sp := params.New("?a=1&b=2&a=3&empty=&flag")
	check(`new URLSearchParams("?a=1&b=2&a=3&empty=&flag").toString()`, func() any { return sp.Call("toString") })
	check(`get("a") / getAll("a") / get("empty") / get("flag") / get("missing")`, func() any {
		return arr(sp.Call("get", "a"), sp.Call("getAll", "a"), sp.Call("get", "empty"), sp.Call("get", "flag"), sp.Call("get", "missing"))
	})
	check(`has("b") / has("B") / size`, func() any { return arr(sp.Call("has", "b"), sp.Call("has", "B"), sp.Get("size")) })
	check(`delete("a") then toString`, func() any { sp.Call("delete", "a"); return sp.Call("toString") })
	check(`set("b", "x y") then append("c", "é&=+") then toString`, func() any {
		sp.Call("set", "b", "x y")
		sp.Call("append", "c", "é&=+")
		return sp.Call("toString")
	})
	check(`set on a repeated key keeps the first position`, func() any {
		p := params.New("k=1&z=0&k=2")
		p.Call("set", "k", "9")
		return p.Call("toString")
	})
	check("sort() (stable, by UTF-16 code units)", func() any {
		p := params.New("z=1&b=2&a=3&b=1&é=4&B=5")
		p.Call("sort")
		return p.Call("toString")
	})
	check("from an object", func() any {
		return params.New(obj("q", "go wasm", "n", 1, "t", true, "u", js.Undefined())).Call("toString")
	})
	check("from an array of pairs", func() any { return params.New(arr(arr("x", "1"), arr("x", "2"))).Call("toString") })
	checkName("from pairs with three items", func() any { return params.New(arr(arr("x", "1", "extra"))) })
	check("from another URLSearchParams (a copy)", func() any {
		a := params.New("m=1")
		b := params.New(a)
		b.Call("append", "n", "2")
		return arr(a.Call("toString"), b.Call("toString"))
	})
	check("serialising special characters", func() any {
		return params.New(obj("s", "a~b*c-d.e_f g+h/i?j&k=l%m!n'o(p)q")).Call("toString")
	})
	check(`parsing "q=a+b%20c%2B&r=%zz&%E6%97%A5=%E6%9C%AC&s=%FF"`, func() any {
		p := params.New("q=a+b%20c%2B&r=%zz&%E6%97%A5=%E6%9C%AC&s=%FF")
		return arr(p.Call("get", "q"), p.Call("get", "r"), p.Call("get", "日"), codes(p.Call("get", "s")))
	})
	check("iteration: Array.from(entries()) / keys() / values()", func() any {
		p := params.New("a=1&b=2&a=3")
		return arr(array.Call("from", p.Call("entries")), array.Call("from", p.Call("keys")), array.Call("from", p.Call("values")))
	})
	check("forEach with a Go callback", func() any {
		var seen []string
		f := js.FuncOf(func(this js.Value, a []js.Value) any {
			seen = append(seen, a[1].String()+"="+a[0].String())
			return nil
		})
		defer f.Release()
		params.New("x=1&y=2").Call("forEach", f)
		return strings.Join(seen, ",")
	})
	check("Object.fromEntries(params)", func() any { return object.Call("fromEntries", params.New("a=1&b=2&a=3")) })
	check("encodeURIComponent vs URLSearchParams for \"a b+c~\"", func() any {
		return arr(global.Call("encodeURIComponent", "a b+c~"), params.New(obj("v", "a b+c~")).Call("toString"))
	})
	fmt.Println("done")
}
