// Command js_collections uses the JavaScript keyed collections (Map, Set,
// WeakMap, WeakSet), Reflect and Proxy from Go through syscall/js:
// insertion order, special keys, iteration with js.FuncOf callbacks, the
// errors for invalid weak keys, and Proxy traps implemented in Go.
package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall/js"
)

var (
	global   = js.Global()
	object   = global.Get("Object")
	array    = global.Get("Array")
	jsString = global.Get("String")
	jsMap    = global.Get("Map")
	jsSet    = global.Get("Set")
	weakMap  = global.Get("WeakMap")
	weakSet  = global.Get("WeakSet")
	reflect  = global.Get("Reflect")
	proxy    = global.Get("Proxy")
	symbol   = global.Get("Symbol")
	jsonObj  = global.Get("JSON")
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
	if v.InstanceOf(jsMap) {
		return "Map" + render(array.Call("from", v))
	}
	if v.InstanceOf(jsSet) {
		return "Set" + render(array.Call("from", v))
	}
	return jsonObj.Call("stringify", v).String()
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

// fn wraps a Go function as a JS callback; the caller releases it.
func fn(f func(this js.Value, args []js.Value) any) js.Func { return js.FuncOf(f) }

func arr(xs ...any) js.Value { return js.ValueOf(xs) }

// obj builds a plain object from key, value pairs in order.
func obj(kv ...any) js.Value {
	o := object.New()
	for i := 0; i < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// forEach collects what a collection's forEach passes to its callback:
// key->value pairs, and whether the third argument was always the
// collection itself.
func forEach(c js.Value) string {
	var seen []string
	third := true
	cb := fn(func(this js.Value, a []js.Value) any {
		seen = append(seen, render(a[1])+"->"+render(a[0]))
		third = third && a[2].Equal(c)
		return nil
	})
	defer cb.Release()
	c.Call("forEach", cb)
	return fmt.Sprintf("%s (third argument is the collection: %t)", strings.Join(seen, ", "), third)
}

func main() {
	nan := math.NaN()

	fmt.Println("== Map")
	m := jsMap.New()
	check("new Map().size", func() any { return m.Get("size") })
	check("set returns the map (chained set)", func() any {
		return m.Call("set", "b", 1).Call("set", "a", 2).Call("set", 1, "number one").Equal(m)
	})
	m.Call("set", "1", "string one")
	check("size after 4 sets", func() any { return m.Get("size") })
	check(`get("a") / get(1) / get("1") / get("zz")`, func() any {
		return arr(m.Call("get", "a"), m.Call("get", 1), m.Call("get", "1"), m.Call("get", "zz"))
	})
	check("insertion order (keys are not sorted, numbers not first)", func() any { return array.Call("from", m.Call("keys")) })
	m.Call("set", "b", 10)
	check("re-setting b keeps its position", func() any { return array.Call("from", m.Call("entries")) })
	m.Call("delete", "b")
	m.Call("set", "b", 20)
	check("delete then set moves b to the end", func() any { return array.Call("from", m.Call("keys")) })
	check("forEach(value, key, map)", func() any { return forEach(m) })
	check("values()", func() any { return array.Call("from", m.Call("values")) })
	check(`has("a") / delete("a") / has("a") / delete("a")`, func() any {
		return arr(m.Call("has", "a"), m.Call("delete", "a"), m.Call("has", "a"), m.Call("delete", "a"))
	})
	check("NaN key: set(NaN) then get(NaN) / has(NaN)", func() any {
		m.Call("set", nan, "not a number")
		return arr(m.Call("get", nan), m.Call("has", nan))
	})
	k1, k2 := obj("id", 1), obj("id", 1)
	check("object keys by identity", func() any {
		om := jsMap.New()
		om.Call("set", k1, "first").Call("set", k2, "second")
		return arr(om.Get("size"), om.Call("get", k1), om.Call("get", k2), om.Call("get", obj("id", 1)))
	})
	check("null, undefined and a function as keys", func() any {
		om := jsMap.New()
		om.Call("set", nil, "null").Call("set", js.Undefined(), "undefined").Call("set", object, "Object")
		return arr(om.Call("get", nil), om.Call("get", js.Undefined()), om.Call("get", object), om.Get("size"))
	})
	check("manual iteration: entries().next() until done", func() any {
		it := m.Call("entries")
		var steps []string
		for {
			r := it.Call("next")
			if r.Get("done").Bool() {
				steps = append(steps, "done value="+render(r.Get("value")))
				break
			}
			steps = append(steps, render(r.Get("value")))
		}
		return strings.Join(steps, " | ")
	})
	check("forEach that deletes the next key and adds a new one", func() any {
		mm := jsMap.New(arr(arr("x", 1), arr("y", 2), arr("z", 3)))
		var seen []string
		cb := fn(func(this js.Value, a []js.Value) any {
			k := a[1].String()
			seen = append(seen, k)
			if k == "x" {
				mm.Call("delete", "y")
				mm.Call("set", "w", 4)
			}
			return nil
		})
		defer cb.Release()
		mm.Call("forEach", cb)
		return strings.Join(seen, ",")
	})
	check(`new Map([["k", 1], ["k", 2]])`, func() any { return jsMap.New(arr(arr("k", 1), arr("k", 2))) })
	check(`new Map([1, 2])`, func() any { return jsMap.New(arr(1, 2)) })
	check("Map() without new", func() any { return jsMap.Invoke() })
	check("Object.fromEntries(map) / new Map(Object.entries(obj))", func() any {
		src := jsMap.New(arr(arr("p", 1), arr("q", arr(2))))
		return arr(object.Call("fromEntries", src), jsMap.New(object.Call("entries", obj("r", 3, "s", 4))))
	})
	check("JSON.stringify(map) loses the entries", func() any { return jsonObj.Call("stringify", jsMap.New(arr(arr("a", 1)))) })
	check("clear() then size", func() any {
		m.Call("clear")
		return m.Get("size")
	})
	check("map.size = 5 on a Map (getter only: ignored)", func() any {
		m.Set("size", 5)
		return m.Get("size")
	})

	fmt.Println("== Set")
	s := jsSet.New()
	check("add returns the set; duplicates ignored", func() any {
		r := s.Call("add", "pear").Call("add", "apple").Call("add", "pear").Call("add", 3).Call("add", "3")
		return arr(r.Equal(s), s.Get("size"))
	})
	check("iteration order", func() any { return array.Call("from", s) })
	check("forEach(value, value again, set)", func() any { return forEach(s) })
	check(`has("apple") / has("APPLE") / has(3) / has("3")`, func() any {
		return arr(s.Call("has", "apple"), s.Call("has", "APPLE"), s.Call("has", 3), s.Call("has", "3"))
	})
	check(`delete("pear") twice, then order`, func() any {
		return arr(s.Call("delete", "pear"), s.Call("delete", "pear"), array.Call("from", s))
	})
	check("NaN added twice counts once", func() any {
		ns := jsSet.New()
		ns.Call("add", nan).Call("add", nan)
		return arr(ns.Get("size"), ns.Call("has", nan))
	})
	check("objects by identity", func() any {
		os := jsSet.New(arr(k1, k2, k1))
		return arr(os.Get("size"), os.Call("has", k2), os.Call("has", obj("id", 1)))
	})
	check(`new Set("hello")`, func() any { return jsSet.New("hello") })
	check("dedupe an array: Array.from(new Set([3,1,3,2,1]))", func() any { return array.Call("from", jsSet.New(arr(3, 1, 3, 2, 1))) })
	check("keys() equals values() for a Set", func() any {
		return arr(array.Call("from", s.Call("keys")), array.Call("from", s.Call("values")), array.Call("from", s.Call("entries")))
	})
	check("new Set(42)", func() any { return jsSet.New(42) })

	fmt.Println("== WeakMap and WeakSet")
	wm := weakMap.New()
	key := obj("name", "key object")
	check("WeakMap set returns the map", func() any { return wm.Call("set", key, "meta").Equal(wm) })
	check("get / has / other object", func() any {
		return arr(wm.Call("get", key), wm.Call("has", key), wm.Call("has", obj()), wm.Call("get", obj()))
	})
	check("delete twice, then has", func() any {
		return arr(wm.Call("delete", key), wm.Call("delete", key), wm.Call("has", key))
	})
	check("a function and an array as WeakMap keys", func() any {
		a := arr(1)
		wm.Call("set", object, "fn").Call("set", a, "arr")
		return arr(wm.Call("get", object), wm.Call("get", a))
	})
	check(`WeakMap.set("str", 1)`, func() any { return wm.Call("set", "str", 1) })
	check(`WeakMap.set(1, 1)`, func() any { return wm.Call("set", 1, 1) })
	check(`WeakMap.set(null, 1)`, func() any { return wm.Call("set", nil, 1) })
	check(`WeakMap.get("str") / has(1) / delete(null) (no throw)`, func() any {
		return arr(wm.Call("get", "str"), wm.Call("has", 1), wm.Call("delete", nil))
	})
	check("WeakMap has no size", func() any { return wm.Get("size") })
	ws := weakSet.New()
	check("WeakSet add / has / delete / has", func() any {
		return arr(ws.Call("add", key).Equal(ws), ws.Call("has", key), ws.Call("delete", key), ws.Call("has", key))
	})
	check(`WeakSet.add("str")`, func() any { return ws.Call("add", "str") })
	check(`new WeakSet([{}, 1])`, func() any { return weakSet.New(arr(obj(), 1)) })
	check("new Set(new WeakMap()) (a WeakMap is not iterable)", func() any { return jsSet.New(weakMap.New()) })

	fmt.Println("== Reflect")
	target := obj("a", 1, "b", "two")
	check(`Reflect.get(o, "a") / Reflect.get(o, "zz")`, func() any {
		return arr(reflect.Call("get", target, "a"), reflect.Call("get", target, "zz"))
	})
	check("Reflect.get with a getter and a receiver", func() any {
		g := fn(func(this js.Value, a []js.Value) any { return this.Get("who") })
		defer g.Release()
		o := object.New()
		object.Call("defineProperty", o, "me", obj("get", g))
		o.Set("who", "o itself")
		return arr(reflect.Call("get", o, "me"), reflect.Call("get", o, "me", obj("who", "receiver")))
	})
	check(`Reflect.set(o, "c", 3) then o.c`, func() any { return arr(reflect.Call("set", target, "c", 3), target.Get("c")) })
	check(`Reflect.has(o, "a") / "toString" / "zz"`, func() any {
		return arr(reflect.Call("has", target, "a"), reflect.Call("has", target, "toString"), reflect.Call("has", target, "zz"))
	})
	check("Reflect.ownKeys with integer, string, symbol and non-enumerable keys", func() any {
		o := obj("z", 1, "2", 2, "a", 3, "1", 4)
		reflect.Call("set", o, symbol.Invoke("s"), 5)
		reflect.Call("defineProperty", o, "hidden", obj("value", 6, "enumerable", false))
		keys := reflect.Call("ownKeys", o)
		return arr(keys, object.Call("keys", o))
	})
	check("Reflect.ownKeys([7, 8])", func() any { return reflect.Call("ownKeys", arr(7, 8)) })
	check("Reflect.apply(Math.max, undefined, [1, 3, 2])", func() any {
		return reflect.Call("apply", global.Get("Math").Get("max"), js.Undefined(), arr(1, 3, 2))
	})
	check("Reflect.apply(Go function, thisArg, args)", func() any {
		g := fn(func(this js.Value, a []js.Value) any {
			return fmt.Sprintf("this.tag=%s args=%d first=%s", this.Get("tag").String(), len(a), a[0].String())
		})
		defer g.Release()
		return reflect.Call("apply", g, obj("tag", "T"), arr("x", "y"))
	})
	check("Reflect.construct(Date, [0]).getTime()", func() any {
		return reflect.Call("construct", global.Get("Date"), arr(0)).Call("getTime")
	})
	check(`Reflect.construct(Error, ["boom"]).message`, func() any {
		return reflect.Call("construct", global.Get("Error"), arr("boom")).Get("message")
	})
	check("Reflect.construct(Math.max, [])", func() any { return reflect.Call("construct", global.Get("Math").Get("max"), arr()) })
	check("Reflect.apply with a non-array argument list", func() any {
		return reflect.Call("apply", global.Get("Math").Get("max"), nil, 5)
	})
	ro := object.New()
	check("Reflect.defineProperty read-only, non-configurable", func() any {
		return reflect.Call("defineProperty", ro, "fixed", obj("value", 42, "writable", false, "enumerable", true))
	})
	check("Reflect.set on it / Go Set on it (silent) / value", func() any {
		ok := reflect.Call("set", ro, "fixed", 1)
		ro.Set("fixed", 2)
		return arr(ok, ro.Get("fixed"))
	})
	check("Reflect.defineProperty redefining it", func() any {
		return reflect.Call("defineProperty", ro, "fixed", obj("value", 7))
	})
	check("Reflect.deleteProperty on it / Go Delete on it (silent) / still there", func() any {
		ok := reflect.Call("deleteProperty", ro, "fixed")
		ro.Delete("fixed")
		return arr(ok, reflect.Call("has", ro, "fixed"))
	})
	check("Reflect.deleteProperty of an ordinary and a missing key", func() any {
		o := obj("x", 1)
		return arr(reflect.Call("deleteProperty", o, "x"), reflect.Call("deleteProperty", o, "x"), o)
	})
	check("Object.getOwnPropertyDescriptor(ro, 'fixed')", func() any {
		return object.Call("getOwnPropertyDescriptor", ro, "fixed")
	})
	check("Reflect.getPrototypeOf([]) === Array.prototype / of Object.create(null)", func() any {
		return arr(reflect.Call("getPrototypeOf", arr()).Equal(array.Get("prototype")), reflect.Call("getPrototypeOf", object.Call("create", nil)))
	})
	check("Reflect.setPrototypeOf then inherited get", func() any {
		child := object.New()
		ok := reflect.Call("setPrototypeOf", child, obj("inherited", "from parent"))
		return arr(ok, child.Get("inherited"), reflect.Call("ownKeys", child))
	})
	check("Reflect.preventExtensions then isExtensible and set", func() any {
		o := obj("a", 1)
		return arr(reflect.Call("preventExtensions", o), reflect.Call("isExtensible", o), reflect.Call("set", o, "b", 2), o)
	})
	check(`Reflect.get("str", "length")`, func() any { return reflect.Call("get", "str", "length") })
	check(`Reflect.ownKeys(1)`, func() any { return reflect.Call("ownKeys", 1) })

	fmt.Println("== Proxy with Go traps")
	var log []string
	note := func(s string) { log = append(log, s) }
	propName := func(p js.Value) string {
		if p.Type() == js.TypeSymbol {
			return jsString.Invoke(p).String()
		}
		return p.String()
	}
	getTrap := fn(func(this js.Value, a []js.Value) any {
		name := propName(a[1])
		note("get " + name)
		if name == "secret" {
			return "[redacted]"
		}
		if !reflect.Call("has", a[0], a[1]).Bool() {
			return "default for " + name
		}
		return reflect.Call("get", a[0], a[1], a[2])
	})
	setTrap := fn(func(this js.Value, a []js.Value) any {
		name := propName(a[1])
		note(fmt.Sprintf("set %s=%s", name, render(a[2])))
		if a[2].Type() != js.TypeNumber {
			return false // reject non-numbers
		}
		a[0].Set(name, a[2].Float()*10)
		return true
	})
	hasTrap := fn(func(this js.Value, a []js.Value) any {
		name := propName(a[1])
		note("has " + name)
		return !strings.HasPrefix(name, "_") && reflect.Call("has", a[0], a[1]).Bool()
	})
	handler := obj("get", getTrap, "set", setTrap, "has", hasTrap)
	tgt := obj("visible", 1, "secret", "pw", "_private", 2)
	p := proxy.New(tgt, handler)
	check("proxy Type()", func() any { return p.Type().String() })
	check("p.visible / p.secret / p.missing (Value.Get goes through the trap)", func() any {
		return arr(p.Get("visible"), p.Get("secret"), p.Get("missing"))
	})
	check(`Reflect.set(p, "n", 4) then target.n`, func() any { return arr(reflect.Call("set", p, "n", 4), tgt.Get("n")) })
	check(`Reflect.set(p, "s", "text") (trap returns false)`, func() any { return arr(reflect.Call("set", p, "s", "text"), tgt.Get("s")) })
	check(`Go Set(p, "m", 5) and Set(p, "s2", "x") (no error either way)`, func() any {
		p.Set("m", 5)
		p.Set("s2", "x")
		return arr(tgt.Get("m"), tgt.Get("s2"))
	})
	check(`Reflect.has(p, "visible") / "_private" / "nope"`, func() any {
		return arr(reflect.Call("has", p, "visible"), reflect.Call("has", p, "_private"), reflect.Call("has", p, "nope"))
	})
	check("p[Symbol.toPrimitive] (symbol property through the get trap)", func() any {
		return reflect.Call("get", p, symbol.Get("toPrimitive"))
	})
	check("Object.keys(p) (no ownKeys trap: the target's keys)", func() any { return object.Call("keys", p) })
	check("trap log", func() any { return strings.Join(log, ", ") })
	check("p instanceof Object / Array.isArray(new Proxy([], {}))", func() any {
		return arr(p.InstanceOf(object), array.Call("isArray", proxy.New(arr(), object.New())))
	})
	check("proxy of a function: Type() and call", func() any {
		fp := proxy.New(global.Get("Math").Get("max"), object.New())
		return arr(fp.Type().String(), fp.Invoke(4, 9, 2))
	})
	check("apply trap in Go", func() any {
		applyTrap := fn(func(this js.Value, a []js.Value) any {
			return "apply trap got " + render(a[2])
		})
		defer applyTrap.Release()
		fp := proxy.New(global.Get("Math").Get("max"), obj("apply", applyTrap))
		return fp.Invoke(1, "two")
	})
	// Value.Get/Set/Index do not catch JS exceptions (wasm_exec.js lets
	// them escape, which ends the program), so property accesses that may
	// throw go through Reflect.get with Call, whose errors are recoverable.
	revocable := proxy.Call("revocable", obj("x", 1), object.New())
	rp := revocable.Get("proxy")
	check("Proxy.revocable: Reflect.get before revoke", func() any { return reflect.Call("get", rp, "x") })
	revocable.Call("revoke")
	check("Proxy.revocable: Reflect.get after revoke", func() any { return reflect.Call("get", rp, "x") })
	check("Proxy.revocable: Type() after revoke", func() any { return rp.Type().String() })
	check("Proxy without new", func() any { return proxy.Invoke(obj(), obj()) })
	check("new Proxy(1, {})", func() any { return proxy.New(1, object.New()) })
	check("get trap violating a non-configurable invariant", func() any {
		lie := fn(func(this js.Value, a []js.Value) any { return "lie" })
		defer lie.Release()
		t := object.New()
		object.Call("defineProperty", t, "k", obj("value", "truth", "writable", false, "configurable", false))
		return reflect.Call("get", proxy.New(t, obj("get", lie)), "k")
	})

	getTrap.Release()
	setTrap.Release()
	hasTrap.Release()
	fmt.Println("done")
}
