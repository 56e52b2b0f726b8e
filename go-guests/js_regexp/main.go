// Command js_regexp uses JavaScript regular expressions from Go through
// syscall/js: construction with flags, test/exec (index, captures, named
// groups), the stateful lastIndex of global and sticky expressions,
// String.prototype.match/matchAll/replace/replaceAll/split/search with
// RegExp arguments (including $1/$<name> substitutions and a replacer
// written in Go), lookbehind, Unicode property escapes and syntax errors.
package main

import (
	"fmt"
	"strconv"
	"strings"
	"syscall/js"
)

var (
	global      = js.Global()
	array       = global.Get("Array")
	jsString    = global.Get("String")
	regExp      = global.Get("RegExp")
	jsonObj     = global.Get("JSON")
	stringProto = jsString.Get("prototype")
)

// render shows a JS value in a JS-like notation; a match array also shows
// its index and groups. A Go value prints as "go" and its %v form.
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
		s := "[" + strings.Join(parts, ", ") + "]"
		if idx := v.Get("index"); idx.Type() == js.TypeNumber {
			s += " index=" + render(idx)
			if g := v.Get("groups"); !g.IsUndefined() {
				s += " groups=" + jsonObj.Call("stringify", g).String()
			}
			if ind := v.Get("indices"); !ind.IsUndefined() {
				s += " indices=" + jsonObj.Call("stringify", ind).String()
			}
		}
		return s
	}
	if v.InstanceOf(regExp) {
		return v.Call("toString").String()
	}
	return jsonObj.Call("stringify", v).String()
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

// re is new RegExp(pattern, flags).
func re(pattern, flags string) js.Value { return regExp.New(pattern, flags) }

// sm calls String.prototype[m] with the JS string s as this (js.Value.Call
// cannot be used on a string primitive).
func sm(s string, m string, args ...any) js.Value {
	return stringProto.Get(m).Call("call", append([]any{s}, args...)...)
}

func main() {
	fmt.Println("== construction")
	check(`new RegExp("a+b", "gi"): source, flags, global, ignoreCase, multiline, lastIndex`, func() any {
		r := re("a+b", "gi")
		return js.ValueOf([]any{r.Get("source"), r.Get("flags"), r.Get("global"), r.Get("ignoreCase"), r.Get("multiline"), r.Get("lastIndex")})
	})
	check(`new RegExp("x", "ysmigu").flags (canonical order)`, func() any { return re("x", "ysmigu").Get("flags") })
	check(`new RegExp("x", "d").hasIndices`, func() any { return re("x", "d").Get("hasIndices") })
	check(`new RegExp("a/b").source / toString()`, func() any {
		r := re("a/b", "")
		return js.ValueOf([]any{r.Get("source"), r.Call("toString")})
	})
	check(`new RegExp("").source / toString()`, func() any {
		r := re("", "")
		return js.ValueOf([]any{r.Get("source"), r.Call("toString")})
	})
	check(`new RegExp("\n").source`, func() any { return re("\n", "").Get("source") })
	check(`new RegExp(/ab/g, "i") (copy with new flags)`, func() any { return regExp.New(re("ab", "g"), "i") })
	check(`RegExp("ab") without new`, func() any { return regExp.Invoke("ab") })
	check(`new RegExp("(")`, func() any { return re("(", "") })
	check(`new RegExp("a{2,1}")`, func() any { return re("a{2,1}", "") })
	check(`new RegExp("[b-a]")`, func() any { return re("[b-a]", "") })
	check(`new RegExp("a", "gg")`, func() any { return re("a", "gg") })
	check(`new RegExp("a", "x")`, func() any { return re("a", "x") })
	check(`new RegExp("\\p{Foo}", "u")`, func() any { return re(`\p{Foo}`, "u") })
	check(`new RegExp("\\k<x>(?<y>.)", "u")`, func() any { return re(`\k<x>(?<y>.)`, "u") })

	fmt.Println("== test and exec")
	check(`/\d+/.test("abc123") / .test("abc")`, func() any {
		r := re(`\d+`, "")
		return js.ValueOf([]any{r.Call("test", "abc123"), r.Call("test", "abc")})
	})
	check(`/(\d{4})-(\d{2})/.exec("on 2024-05-17")`, func() any { return re(`(\d{4})-(\d{2})`, "").Call("exec", "on 2024-05-17") })
	check(`named groups: /(?<year>\d{4})-(?<month>\d{2})/.exec(...)`, func() any {
		return re(`(?<year>\d{4})-(?<month>\d{2})`, "").Call("exec", "on 2024-05-17")
	})
	check(`groups.year read from Go`, func() any {
		return re(`(?<year>\d{4})`, "").Call("exec", "in 1999").Get("groups").Get("year")
	})
	check(`optional group that did not take part: /a(b)?(?<c>c)?/.exec("a")`, func() any { return re(`a(b)?(?<c>c)?`, "").Call("exec", "a") })
	check(`exec with no match`, func() any { return re(`z`, "").Call("exec", "abc") })
	check(`match.input`, func() any { return re(`b`, "").Call("exec", "abc").Get("input") })
	check(`d flag: /b(c)/d.exec("abc") indices`, func() any { return re(`b(c)`, "d").Call("exec", "abc") })
	check(`exec(undefined) matches "undefined"`, func() any { return re(`un`, "").Call("exec", js.Undefined()) })

	fmt.Println("== flags")
	check(`/HELLO/i.test("hello")`, func() any { return re("HELLO", "i").Call("test", "hello") })
	check(`"a\nb".match(/^b/) / (/^b/m)`, func() any {
		return js.ValueOf([]any{sm("a\nb", "match", re("^b", "")), sm("a\nb", "match", re("^b", "m"))})
	})
	check(`/a.b/.test("a\nb") / /a.b/s`, func() any {
		return js.ValueOf([]any{re("a.b", "").Call("test", "a\nb"), re("a.b", "s").Call("test", "a\nb")})
	})
	check(`/^.$/.test("😀") / /^.$/u`, func() any {
		return js.ValueOf([]any{re("^.$", "").Call("test", "😀"), re("^.$", "u").Call("test", "😀")})
	})
	check(`"😀😀".match(/./g).length / with u`, func() any {
		return js.ValueOf([]any{sm("😀😀", "match", re(".", "g")).Length(), sm("😀😀", "match", re(".", "gu")).Length()})
	})
	check(`/\u017f/i.test("s") / with iu (Unicode case folding)`, func() any {
		return js.ValueOf([]any{re(`\u017f`, "i").Call("test", "s"), re(`\u017f`, "iu").Call("test", "s")})
	})
	check(`/\u{1F600}/ without u / with u on "😀"`, func() any {
		return js.ValueOf([]any{re(`\u{1F600}`, "").Call("test", "😀"), re(`\u{1F600}`, "u").Call("test", "😀")})
	})

	fmt.Println("== lastIndex")
	check(`/o/g exec loop over "foo boo": index, lastIndex`, func() any {
		r := re("o", "g")
		var steps []string
		for i := 0; i < 6; i++ {
			m := r.Call("exec", "foo boo")
			if m.IsNull() {
				steps = append(steps, "null lastIndex="+render(r.Get("lastIndex")))
				break
			}
			steps = append(steps, render(m.Get("index"))+"/"+render(r.Get("lastIndex")))
		}
		return strings.Join(steps, " ")
	})
	check(`the same /a/g.test("a") twice, then a third time`, func() any {
		r := re("a", "g")
		return js.ValueOf([]any{r.Call("test", "a"), r.Call("test", "a"), r.Call("test", "a")})
	})
	check(`setting lastIndex = 5 on /a/g before exec("aaaa")`, func() any {
		r := re("a", "g")
		r.Set("lastIndex", 5)
		return js.ValueOf([]any{r.Call("exec", "aaaa"), r.Get("lastIndex")})
	})
	check(`sticky /foo/y on "barfoo" at lastIndex 3 / 1`, func() any {
		r := re("foo", "y")
		r.Set("lastIndex", 3)
		a := r.Call("test", "barfoo")
		after := r.Get("lastIndex")
		r.Set("lastIndex", 1)
		return js.ValueOf([]any{a, after, r.Call("test", "barfoo"), r.Get("lastIndex")})
	})
	check(`sticky tokenizer /\s*(\d+|[+*])/y over "12 + 3*4"`, func() any {
		r := re(`\s*(\d+|[+*])`, "y")
		var toks []string
		for {
			m := r.Call("exec", "12 + 3*4")
			if m.IsNull() {
				break
			}
			toks = append(toks, m.Index(1).String())
		}
		return strings.Join(toks, "|")
	})
	check(`non-global exec ignores lastIndex`, func() any {
		r := re("a", "")
		r.Set("lastIndex", 3)
		return js.ValueOf([]any{r.Call("exec", "aaaa").Get("index"), r.Get("lastIndex")})
	})

	fmt.Println("== String.prototype methods with RegExp")
	check(`"a1b22c333".match(/\d+/g)`, func() any { return sm("a1b22c333", "match", re(`\d+`, "g")) })
	check(`"a1b22c333".match(/\d+/)`, func() any { return sm("a1b22c333", "match", re(`\d+`, "")) })
	check(`"abc".match(/\d/g)`, func() any { return sm("abc", "match", re(`\d`, "g")) })
	check(`"x1y2".match("\\d") (string pattern becomes a RegExp)`, func() any { return sm("x1y2", "match", `\d`) })
	check(`Array.from("k1=v1;k2=v2".matchAll(/(?<k>\w+)=(?<v>\w+)/g))`, func() any {
		return array.Call("from", sm("k1=v1;k2=v2", "matchAll", re(`(?<k>\w+)=(?<v>\w+)`, "g")))
	})
	check(`matchAll with a non-global RegExp`, func() any { return sm("aa", "matchAll", re("a", "")) })
	check(`"2024-05-17".replace(/(?<y>\d+)-(?<m>\d+)-(?<d>\d+)/, "$<d>/$<m>/$<y>")`, func() any {
		return sm("2024-05-17", "replace", re(`(?<y>\d+)-(?<m>\d+)-(?<d>\d+)`, ""), "$<d>/$<m>/$<y>")
	})
	check(`"John Smith".replace(/(\w+)\s(\w+)/, "$2, $1")`, func() any {
		return sm("John Smith", "replace", re(`(\w+)\s(\w+)`, ""), "$2, $1")
	})
	check(`"abc".replace(/b/, "[$&|$`+"`"+`|$'|$$|$9]")`, func() any { return sm("abc", "replace", re("b", ""), "[$&|$`|$'|$$|$9]") })
	check(`"aaa".replace(/a/, "b") / (/a/g, "b")`, func() any {
		return js.ValueOf([]any{sm("aaa", "replace", re("a", ""), "b"), sm("aaa", "replace", re("a", "g"), "b")})
	})
	check(`"abc".replace(/x*/g, "-") (empty matches)`, func() any { return sm("abc", "replace", re("x*", "g"), "-") })
	check(`replace with a Go replacer: title-case words, record offsets`, func() any {
		var calls []string
		f := js.FuncOf(func(this js.Value, a []js.Value) any {
			// a: match, p1, offset, whole string, (no groups object without named groups)
			calls = append(calls, fmt.Sprintf("%s@%d", a[0].String(), a[2].Int()))
			w := a[1].String()
			return strings.ToUpper(w[:1]) + w[1:]
		})
		defer f.Release()
		out := sm("the quick fox", "replace", re(`\b(\w+)\b`, "g"), f)
		return js.ValueOf([]any{out, strings.Join(calls, " ")})
	})
	check(`Go replacer with named groups: argument count and groups`, func() any {
		var seen string
		f := js.FuncOf(func(this js.Value, a []js.Value) any {
			g := a[len(a)-1]
			seen = fmt.Sprintf("%d args, whole=%q, groups.n=%q", len(a), a[len(a)-2].String(), g.Get("n").String())
			return "<" + g.Get("n").String() + ">"
		})
		defer f.Release()
		out := sm("id:42", "replace", re(`(?<n>\d+)`, ""), f)
		return js.ValueOf([]any{out, seen})
	})
	check(`Go replacer returning a number, then nil (null)`, func() any {
		i := 0
		f := js.FuncOf(func(this js.Value, a []js.Value) any {
			i++
			if i == 1 {
				return 7
			}
			return nil // a Go nil becomes null, inserted as "null"
		})
		defer f.Release()
		return sm("x-x", "replace", re("x", "g"), f)
	})
	check(`"a-b_c".replaceAll(/[-_]/g, " ")`, func() any { return sm("a-b_c", "replaceAll", re("[-_]", "g"), " ") })
	check(`"a-b".replaceAll(/-/, " ") (non-global)`, func() any { return sm("a-b", "replaceAll", re("-", ""), " ") })
	check(`"a1b22c333d".split(/\d+/)`, func() any { return sm("a1b22c333d", "split", re(`\d+`, "")) })
	check(`"a1b2c".split(/(\d)/) (captures are kept)`, func() any { return sm("a1b2c", "split", re(`(\d)`, "")) })
	check(`"a, b;c ,d".split(/\s*[,;]\s*/, 3)`, func() any { return sm("a, b;c ,d", "split", re(`\s*[,;]\s*`, ""), 3) })
	check(`"abc".split(/(?:)/u) / "😀a".split(/(?:)/u)`, func() any {
		return js.ValueOf([]any{sm("abc", "split", re("(?:)", "u")), sm("😀a", "split", re("(?:)", "u")).Length()})
	})
	check(`"hello world".search(/o/) / search(/z/) / search(/O/i)`, func() any {
		return js.ValueOf([]any{sm("hello world", "search", re("o", "")), sm("hello world", "search", re("z", "")), sm("hello world", "search", re("O", "i"))})
	})
	check(`search ignores g and lastIndex`, func() any {
		r := re("o", "g")
		r.Set("lastIndex", 6)
		return js.ValueOf([]any{sm("hello world", "search", r), r.Get("lastIndex")})
	})

	fmt.Println("== lookaround and Unicode properties")
	check(`/(?<=\$)\d+(\.\d+)?/.exec("cost: $42.50, tax 3")`, func() any { return re(`(?<=\$)\d+(\.\d+)?`, "").Call("exec", "cost: $42.50, tax 3") })
	check(`"$1 2 $3 4".match(/(?<!\$)\b\d/g) (negative lookbehind)`, func() any { return sm("$1 2 $3 4", "match", re(`(?<!\$)\b\d`, "g")) })
	check(`"price100 cost200".match(/[a-z]+(?=\d{3})/g) (lookahead)`, func() any { return sm("price100 cost200", "match", re(`[a-z]+(?=\d{3})`, "g")) })
	check(`"héllo wörld 123 Ωmega".match(/\p{L}+/gu)`, func() any { return sm("héllo wörld 123 Ωmega", "match", re(`\p{L}+`, "gu")) })
	check(`"ÀbC ñ".match(/\p{Lu}/gu)`, func() any { return sm("ÀbC ñ", "match", re(`\p{Lu}`, "gu")) })
	check(`"a1٣४".match(/\p{Nd}/gu) / match(/\d/g)`, func() any {
		return js.ValueOf([]any{sm("a1٣४", "match", re(`\p{Nd}`, "gu")), sm("a1٣४", "match", re(`\d`, "g"))})
	})
	check(`"alpha αβγ".match(/\p{Script=Greek}+/u)`, func() any { return sm("alpha αβγ", "match", re(`\p{Script=Greek}+`, "u")) })
	check(`/\p{L}/.test("p{L}") without u (literal)`, func() any { return re(`\p{L}`, "").Call("test", "p{L}") })
	check(`/[^\p{L}\s]/gu over "ok? yes!"`, func() any { return sm("ok? yes!", "match", re(`[^\p{L}\s]`, "gu")) })
	check(`"Straße".match(/STRASSE/i) (no full case folding)`, func() any { return sm("Straße", "match", re("STRASSE", "i")) })
	check(`/\bé/.test("é") / /\w/.test("é")`, func() any {
		return js.ValueOf([]any{re(`\bé`, "").Call("test", "é"), re(`\w`, "").Call("test", "é")})
	})
	check(`backreference: /(\w)\1/.exec("abccd")`, func() any { return re(`(\w)\1`, "").Call("exec", "abccd") })
	check(`named backreference: /(?<q>['"]).*?\k<q>/.exec(...)`, func() any { return re(`(?<q>['"]).*?\k<q>`, "").Call("exec", `say "hi" now`) })
	fmt.Println("done")
}
