// Command js_web uses the Web/fetch family of JavaScript globals from Go
// through syscall/js, without any network: Headers (case-insensitive names,
// combined values, sorted iteration, set-cookie, validation errors), Blob
// (parts, type, slice, text/arrayBuffer/bytes/stream), AbortController and
// AbortSignal (listeners, onabort, reasons, throwIfAborted, abort/timeout/
// any), Request (URL, method, headers, body, clone, errors) and Response
// (status, headers, body readers, the body stream's reader, clone, the
// static constructors, errors).
package main

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"syscall/js"
	"time"
)

var (
	global          = js.Global()
	object          = global.Get("Object")
	array           = global.Get("Array")
	jsString        = global.Get("String")
	jsonObj         = global.Get("JSON")
	u8              = global.Get("Uint8Array")
	arrayBuffer     = global.Get("ArrayBuffer")
	headersCtor     = global.Get("Headers")
	blobCtor        = global.Get("Blob")
	controllerCtor  = global.Get("AbortController")
	signalCtor      = global.Get("AbortSignal")
	requestCtor     = global.Get("Request")
	responseCtor    = global.Get("Response")
	paramsCtor      = global.Get("URLSearchParams")
	domException    = global.Get("DOMException")
	errorCtor       = global.Get("Error")
	objectToString  = object.Get("prototype").Get("toString")
	symbolIterator  = global.Get("Symbol").Get("iterator")
	reflectGet      = global.Get("Reflect").Get("get")
	reflectApply    = global.Get("Reflect").Get("apply")
	getOwnPropDescr = object.Get("getOwnPropertyDescriptor")
)

func say(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// render shows a JS value in a JS-like notation.
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
	if v.InstanceOf(arrayBuffer) {
		return "ArrayBuffer " + render(u8.New(v))
	}
	if v.InstanceOf(blobCtor) {
		return fmt.Sprintf("Blob(size %d, type %q)", v.Get("size").Int(), v.Get("type").String())
	}
	if v.InstanceOf(errorCtor) {
		return describeError(v)
	}
	tag := objectToString.Call("call", v).String()
	if tag != "[object Object]" {
		return tag
	}
	return jsonObj.Call("stringify", v).String()
}

// describeError shows an error's name, code (when it has one) and message.
func describeError(e js.Value) string {
	s := e.Get("name").String()
	if c := e.Get("code"); !c.IsUndefined() {
		s += " (code " + render(c) + ")"
	}
	return s + ": " + e.Get("message").String()
}

// explain prints what a panic from syscall/js carried.
func explain(r any) string {
	if e, ok := r.(js.Error); ok {
		if e.Value.Type() == js.TypeObject {
			s := "threw " + describeError(e.Value)
			if c := e.Get("cause"); !c.IsUndefined() {
				s += " [cause " + render(c) + "]"
			}
			return s
		}
		return "threw " + render(e.Value)
	}
	return fmt.Sprintf("Go panic: %v", r)
}

func check(label string, f func() any) {
	defer func() {
		if r := recover(); r != nil {
			say("%s => %s", label, explain(r))
		}
	}()
	say("%s => %s", label, render(f()))
}

// await blocks until the promise p settles.
func await(p js.Value) (js.Value, bool) {
	type result struct {
		v  js.Value
		ok bool
	}
	ch := make(chan result, 1)
	onOK := js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- result{args[0], true}
		return nil
	})
	onErr := js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- result{args[0], false}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.v, r.ok
	case <-t.C:
		return jsString.Invoke("TIMEOUT"), false
	}
}

// report awaits the promise f returns and prints how it settled.
func report(label string, f func() js.Value) {
	defer func() {
		if r := recover(); r != nil {
			say("%s => %s", label, explain(r))
		}
	}()
	p := f()
	if tag := objectToString.Call("call", p).String(); tag != "[object Promise]" {
		say("%s => not a promise: %s", label, tag)
		return
	}
	v, ok := await(p)
	if ok {
		say("%s => fulfilled %s", label, render(v))
	} else {
		say("%s => rejected %s", label, render(v))
	}
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

// entries lists what an iterator yields, through its next method.
func entries(it js.Value) string {
	var out []string
	for {
		r := it.Call("next")
		if r.Get("done").Bool() {
			return strings.Join(out, " ")
		}
		out = append(out, render(r.Get("value")))
	}
}

// pairs iterates v with [Symbol.iterator].
func pairs(v js.Value) string {
	it := reflectApply.Invoke(reflectGet.Invoke(v, symbolIterator), v, arr())
	return entries(it)
}

func main() {
	headers()
	blobs()
	abort()
	requests()
	responses()
	streams()
	say("done")
}

func headers() {
	say("== Headers")
	h := headersCtor.New(obj("Content-Type", " text/plain ", "X-B", "1"))
	h.Call("append", "x-b", "2")
	h.Call("append", "Set-Cookie", "a=1")
	h.Call("append", "set-cookie", "b=2")
	h.Call("append", "Accept", "*/*")
	check("get x-b", func() any { return h.Call("get", "X-B") })
	check("get content-type", func() any { return h.Call("get", "content-type") })
	check("get set-cookie", func() any { return h.Call("get", "set-cookie") })
	check("get missing", func() any { return h.Call("get", "nope") })
	check("has ACCEPT", func() any { return h.Call("has", "ACCEPT") })
	check("getSetCookie", func() any { return h.Call("getSetCookie") })
	say("entries: %s", entries(h.Call("entries")))
	say("keys: %s", entries(h.Call("keys")))
	say("values: %s", entries(h.Call("values")))
	say("iterator: %s", pairs(h))
	h.Call("set", "X-B", "3")
	h.Call("delete", "accept")
	say("after set/delete: %s", pairs(h))
	var seen []string
	fe := js.FuncOf(func(this js.Value, args []js.Value) any {
		seen = append(seen, args[1].String()+"="+args[0].String()+" same:"+strconv.FormatBool(args[2].Equal(h)))
		return nil
	})
	h.Call("forEach", fe)
	fe.Release()
	say("forEach: %s", strings.Join(seen, ", "))
	it := h.Call("keys")
	h.Call("append", "a-first", "x")
	say("live iterator: %s", entries(it))
	say("from pairs: %s", pairs(headersCtor.New(arr(arr("B", "2"), arr("a", "1"), arr("b", "3")))))
	say("from Headers: %s", pairs(headersCtor.New(headersCtor.New(obj("k", "v")))))
	say("tag: %s, iterator tag: %s", objectToString.Call("call", h), objectToString.Call("call", h.Call("entries")))
	check("value whitespace", func() any { return headersCtor.New(obj("a", "\t x y \r\n")).Call("get", "a") })
	check("latin-1 value", func() any { return headersCtor.New(obj("a", "caf\u00e9")).Call("get", "a") })
	check("bad name", func() any { return headersCtor.New().Call("append", "a b", "x") })
	check("bad value", func() any { return headersCtor.New().Call("append", "a", "x\ny") })
	check("non-latin-1 value", func() any { return headersCtor.New().Call("append", "a", "\u0100") })
	check("bad name in get", func() any { return headersCtor.New().Call("get", "a:b") })
	check("pair of one", func() any { return headersCtor.New(arr(arr("a"))) })
	check("pair of three", func() any { return headersCtor.New(arr(arr("a", "b", "c"))) })
	check("number init", func() any { return headersCtor.New(5) })
	check("append one arg", func() any { return headersCtor.New().Call("append", "a") })
	check("get no arg", func() any { return headersCtor.New().Call("get") })
	check("forEach not a function", func() any { return headersCtor.New().Call("forEach", 5) })
	check("call without new", func() any { return headersCtor.Invoke() })
	check("get on a plain object", func() any {
		return headersCtor.Get("prototype").Get("get").Call("call", object.New(), "a")
	})
}

func blobs() {
	say("== Blob")
	b := blobCtor.New(arr("h\u00e9llo ", bytes(0x77, 0x6f), u8.New(arr(0x72, 0x6c)).Get("buffer"), blobCtor.New(arr("d!")), 42), obj("type", "Text/Plain;Charset=UTF-8"))
	check("blob", func() any { return b })
	report("text", func() js.Value { return b.Call("text") })
	report("arrayBuffer", func() js.Value { return b.Call("arrayBuffer") })
	report("bytes", func() js.Value { return b.Call("bytes") })
	check("slice(1, 4)", func() any { return b.Call("slice", 1, 4) })
	check("slice(-3)", func() any { return b.Call("slice", -3) })
	check("slice(5, 2)", func() any { return b.Call("slice", 5, 2) })
	check("slice(0, 100, 'A/B')", func() any { return b.Call("slice", 0, 100, "A/B") })
	report("slice text", func() js.Value { return b.Call("slice", 7, -2).Call("text") })
	check("empty", func() any { return blobCtor.New() })
	check("odd type", func() any { return blobCtor.New(arr("x"), obj("type", "a\u00ffb")) })
	report("native endings", func() js.Value {
		return blobCtor.New(arr("a\r\nb\rc\n"), obj("endings", "native")).Call("text")
	})
	report("invalid UTF-8 and BOM", func() js.Value {
		return blobCtor.New(arr(bytes(0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62))).Call("text")
	})
	check("string sources", func() any { return blobCtor.New("abc") })
	check("null sources", func() any { return blobCtor.New(nil) })
	check("object sources", func() any { return blobCtor.New(object.New()) })
	check("number options", func() any { return blobCtor.New(arr(), 5) })
	check("bad endings", func() any { return blobCtor.New(arr(), obj("endings", "unix")) })
	check("size of prototype", func() any {
		return getOwnPropDescr.Invoke(blobCtor.Get("prototype"), "size").Get("get").Call("call", object.New())
	})
	report("text on a plain object", func() js.Value {
		return blobCtor.Get("prototype").Get("text").Call("call", object.New())
	})
	s := blobCtor.New(arr("stream me")).Call("stream")
	say("stream: %s", objectToString.Call("call", s))
	r := s.Call("getReader")
	report("stream read 1", func() js.Value { return r.Call("read") })
	report("stream read 2", func() js.Value { return r.Call("read") })
}

func abort() {
	say("== AbortController")
	ac := controllerCtor.New()
	sig := ac.Get("signal")
	say("tags: %s %s; same signal: %v", objectToString.Call("call", ac), objectToString.Call("call", sig), sig.Equal(ac.Get("signal")))
	say("before: aborted %s reason %s onabort %s", render(sig.Get("aborted")), render(sig.Get("reason")), render(sig.Get("onabort")))
	var order []string
	listener := js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		order = append(order, fmt.Sprintf("listener(type %s, trusted %v, target is signal %v, this is signal %v, tag %s)",
			e.Get("type"), e.Get("isTrusted"), e.Get("target").Equal(sig), this.Equal(sig), objectToString.Call("call", e)))
		return nil
	})
	defer listener.Release()
	sig.Call("addEventListener", "abort", listener)
	sig.Call("addEventListener", "abort", listener)
	handler := js.FuncOf(func(this js.Value, args []js.Value) any {
		order = append(order, "onabort("+args[0].Get("type").String()+")")
		return nil
	})
	defer handler.Release()
	sig.Set("onabort", handler)
	once := js.FuncOf(func(this js.Value, args []js.Value) any {
		order = append(order, "once")
		return nil
	})
	defer once.Release()
	sig.Call("addEventListener", "abort", once, obj("once", true))
	removed := js.FuncOf(func(this js.Value, args []js.Value) any {
		order = append(order, "removed (must not run)")
		return nil
	})
	defer removed.Release()
	sig.Call("addEventListener", "abort", removed)
	sig.Call("removeEventListener", "abort", removed)
	sig.Call("addEventListener", "abort", obj("handleEvent", js.FuncOf(func(this js.Value, args []js.Value) any {
		order = append(order, "handleEvent("+args[0].Get("type").String()+")")
		return nil
	})))
	check("throwIfAborted before", func() any { return sig.Call("throwIfAborted") })
	ac.Call("abort")
	ac.Call("abort", "again")
	say("events: %s", strings.Join(order, ", "))
	reason := sig.Get("reason")
	say("after: aborted %s reason %s DOMException %v Error %v onabort is handler %v",
		render(sig.Get("aborted")), render(reason), reason.InstanceOf(domException), reason.InstanceOf(errorCtor), sig.Get("onabort").Equal(handler.Value))
	check("String(reason)", func() any { return jsString.Invoke(reason) })
	check("throwIfAborted after", func() any { return sig.Call("throwIfAborted") })
	ac2 := controllerCtor.New()
	ac2.Call("abort", obj("why", "custom"))
	check("custom reason", func() any { return ac2.Get("signal").Get("reason") })
	check("throw custom", func() any { return ac2.Get("signal").Call("throwIfAborted") })
	check("AbortSignal.abort()", func() any { return signalCtor.Call("abort").Get("reason") })
	check("AbortSignal.abort(7)", func() any { return signalCtor.Call("abort", 7).Get("reason") })
	check("new AbortSignal", func() any { return signalCtor.New() })
	check("AbortController()", func() any { return controllerCtor.Invoke() })
	check("timeout('x')", func() any { return signalCtor.Call("timeout", "x") })
	check("timeout(-1)", func() any { return signalCtor.Call("timeout", -1) })
	check("abort on a plain object", func() any {
		return controllerCtor.Get("prototype").Get("abort").Call("call", object.New())
	})
	ts := signalCtor.Call("timeout", 20)
	say("timeout signal before: %s", render(ts.Get("aborted")))
	done := make(chan struct{})
	cb := js.FuncOf(func(this js.Value, args []js.Value) any {
		close(done)
		return nil
	})
	defer cb.Release()
	ts.Set("onabort", cb)
	select {
	case <-done:
		say("timeout signal: aborted %s reason %s", render(ts.Get("aborted")), render(ts.Get("reason")))
	case <-time.After(5 * time.Second):
		say("TIMEOUT waiting for AbortSignal.timeout")
	}
	a, b := controllerCtor.New(), controllerCtor.New()
	anySig := signalCtor.Call("any", arr(a.Get("signal"), b.Get("signal")))
	say("any before: %s", render(anySig.Get("aborted")))
	b.Call("abort", "second")
	say("any after: %s %s", render(anySig.Get("aborted")), render(anySig.Get("reason")))
}

func requests() {
	say("== Request")
	r := requestCtor.New("HTTP://Example.COM/a b?q=1#frag", obj("method", "post", "body", "hi", "headers", obj("X-A", "1")))
	say("url %s method %s redirect %s bodyUsed %s body %s", render(r.Get("url")), render(r.Get("method")), render(r.Get("redirect")), render(r.Get("bodyUsed")), render(r.Get("body")))
	say("headers: %s", pairs(r.Get("headers")))
	say("mode %s credentials %s cache %s signal %s tag %s", render(r.Get("mode")), render(r.Get("credentials")), render(r.Get("cache")), objectToString.Call("call", r.Get("signal")), objectToString.Call("call", r))
	c := r.Call("clone")
	report("text", func() js.Value { return r.Call("text") })
	say("bodyUsed after text: %s", render(r.Get("bodyUsed")))
	report("text again", func() js.Value { return r.Call("text") })
	report("clone text", func() js.Value { return c.Call("text") })
	check("clone after text", func() any { return r.Call("clone") })
	check("from a used request", func() any { return requestCtor.New(r) })
	r2 := requestCtor.New(requestCtor.New("http://h/x", obj("method", "PUT", "body", "moved")), obj("headers", obj("y", "2")))
	say("from request: %s %s %s", render(r2.Get("method")), render(r2.Get("url")), pairs(r2.Get("headers")))
	report("its body", func() js.Value { return r2.Call("text") })
	for _, m := range []string{"get", "Delete", "patch", "OPTIONS", "custom"} {
		check("method "+m, func() any { return requestCtor.New("http://h/", obj("method", m)).Get("method") })
	}
	say("bytes body: %s", pairs(requestCtor.New("http://h/", obj("method", "POST", "body", bytes(1, 2))).Get("headers")))
	say("blob body: %s", pairs(requestCtor.New("http://h/", obj("method", "POST", "body", blobCtor.New(arr("x"), obj("type", "A/B")))).Get("headers")))
	say("params body: %s", pairs(requestCtor.New("http://h/", obj("method", "POST", "body", paramsCtor.New("a=1&b=2"))).Get("headers")))
	say("own content-type: %s", pairs(requestCtor.New("http://h/", obj("method", "POST", "body", "x", "headers", obj("content-type", "text/x"))).Get("headers")))
	report("blob()", func() js.Value {
		return requestCtor.New("http://h/", obj("method", "POST", "body", "xyz")).Call("blob")
	})
	report("json()", func() js.Value {
		return requestCtor.New("http://h/", obj("method", "POST", "body", `{"a":[1,2]}`)).Call("json")
	})
	ac := controllerCtor.New()
	rs := requestCtor.New("http://h/", obj("signal", ac.Get("signal")))
	say("signal follows: same %v, aborted %s", rs.Get("signal").Equal(ac.Get("signal")), render(rs.Get("signal").Get("aborted")))
	ac.Call("abort", "stop")
	say("after abort: aborted %s reason %s", render(rs.Get("signal").Get("aborted")), render(rs.Get("signal").Get("reason")))
	check("relative URL", func() any { return requestCtor.New("/relative") })
	check("no arguments", func() any { return requestCtor.New() })
	check("GET with body", func() any { return requestCtor.New("http://h/", obj("body", "x")) })
	check("HEAD with body", func() any { return requestCtor.New("http://h/", obj("method", "HEAD", "body", "x")) })
	check("bad method", func() any { return requestCtor.New("http://h/", obj("method", "a b")) })
	check("CONNECT", func() any { return requestCtor.New("http://h/", obj("method", "CONNECT")) })
	check("bad redirect", func() any { return requestCtor.New("http://h/", obj("redirect", "maybe")) })
	check("credentials", func() any { return requestCtor.New("http://u:p@h/") })
	check("number init", func() any { return requestCtor.New("http://h/", 5) })
	check("bad signal", func() any { return requestCtor.New("http://h/", obj("signal", 5)) })
	check("without new", func() any { return requestCtor.Invoke("http://h/") })
}

func responses() {
	say("== Response")
	r := responseCtor.New("hello", obj("status", 201, "statusText", "Made", "headers", obj("X-Y", "z")))
	say("status %s ok %s statusText %s url %s type %s redirected %s bodyUsed %s",
		render(r.Get("status")), render(r.Get("ok")), render(r.Get("statusText")), render(r.Get("url")), render(r.Get("type")), render(r.Get("redirected")), render(r.Get("bodyUsed")))
	say("headers: %s; body %s; tag %s", pairs(r.Get("headers")), objectToString.Call("call", r.Get("body")), objectToString.Call("call", r))
	c := r.Call("clone")
	report("text", func() js.Value { return r.Call("text") })
	report("text again", func() js.Value { return r.Call("text") })
	report("clone arrayBuffer", func() js.Value { return c.Call("arrayBuffer") })
	check("clone used", func() any { return r.Call("clone") })
	def := responseCtor.New()
	say("default: status %s statusText %s body %s headers %s", render(def.Get("status")), render(def.Get("statusText")), render(def.Get("body")), pairs(def.Get("headers")))
	report("empty text", func() js.Value { return def.Call("text") })
	report("json", func() js.Value { return responseCtor.New(`{"k":[true,null]}`).Call("json") })
	report("bad json", func() js.Value { return responseCtor.New(`{"k":`).Call("json") })
	report("bytes", func() js.Value { return responseCtor.New(bytes(104, 105)).Call("bytes") })
	report("blob", func() js.Value { return responseCtor.New("x").Call("blob") })
	report("blob of bytes", func() js.Value { return responseCtor.New(bytes(1)).Call("blob") })
	say("404 ok: %s", render(responseCtor.New(nil, obj("status", 404)).Get("ok")))
	say("204 body: %s", render(responseCtor.New(nil, obj("status", 204)).Get("body")))
	e := responseCtor.Call("error")
	say("error(): status %s type %s ok %s body %s", render(e.Get("status")), render(e.Get("type")), render(e.Get("ok")), render(e.Get("body")))
	check("error() headers set", func() any { return e.Get("headers").Call("set", "a", "b") })
	j := responseCtor.Call("json", obj("a", 1), obj("status", 202))
	say("json(): status %s headers %s", render(j.Get("status")), pairs(j.Get("headers")))
	report("json() text", func() js.Value { return j.Call("text") })
	rd := responseCtor.Call("redirect", "http://h/next", 307)
	say("redirect(): status %s headers %s", render(rd.Get("status")), pairs(rd.Get("headers")))
	check("redirect 200", func() any { return responseCtor.Call("redirect", "http://h/", 200) })
	check("redirect relative", func() any { return responseCtor.Call("redirect", "/next") })
	check("json(undefined)", func() any { return responseCtor.Call("json", js.Undefined()) })
	check("status 99", func() any { return responseCtor.New("x", obj("status", 99)) })
	check("status 600", func() any { return responseCtor.New("x", obj("status", 600)) })
	check("status 204 with body", func() any { return responseCtor.New("x", obj("status", 204)) })
	check("bad statusText", func() any { return responseCtor.New("x", obj("statusText", "a\nb")) })
	check("number init", func() any { return responseCtor.New("x", 5) })
	check("without new", func() any { return responseCtor.Invoke() })
	check("status getter on a plain object", func() any {
		return getOwnPropDescr.Invoke(responseCtor.Get("prototype"), "status").Get("get").Call("call", object.New())
	})
}

func streams() {
	say("== body streams")
	r := responseCtor.New("chunk of body")
	body := r.Get("body")
	rd := body.Call("getReader")
	say("locked %s bodyUsed %s reader %s", render(body.Get("locked")), render(r.Get("bodyUsed")), objectToString.Call("call", rd))
	check("second reader", func() any { return body.Call("getReader") })
	report("read 1", func() js.Value { return rd.Call("read") })
	say("bodyUsed after read: %s", render(r.Get("bodyUsed")))
	report("read 2", func() js.Value { return rd.Call("read") })
	report("read 3", func() js.Value { return rd.Call("read") })
	report("closed", func() js.Value { return rd.Get("closed") })
	report("text of a read body", func() js.Value { return r.Call("text") })
	r2 := responseCtor.New("to cancel")
	rd2 := r2.Get("body").Call("getReader")
	report("cancel", func() js.Value { return rd2.Call("cancel", "enough") })
	report("read after cancel", func() js.Value { return rd2.Call("read") })
	r3 := responseCtor.New("released")
	rd3 := r3.Get("body").Call("getReader")
	report("locked text", func() js.Value { return r3.Call("text") })
	rd3.Call("releaseLock")
	say("locked after release: %s", render(r3.Get("body").Get("locked")))
	report("read after release", func() js.Value { return rd3.Call("read") })
	report("text after release", func() js.Value { return r3.Call("text") })
	r4 := responseCtor.New("tee")
	parts := r4.Get("body").Call("tee")
	report("tee a", func() js.Value { return parts.Index(0).Call("getReader").Call("read") })
	report("tee b", func() js.Value { return parts.Index(1).Call("getReader").Call("read") })
	say("original locked: %s", render(r4.Get("body").Get("locked")))
	r5 := responseCtor.New("cancel stream")
	report("stream cancel", func() js.Value { return r5.Get("body").Call("cancel") })
	report("read cancelled", func() js.Value { return r5.Get("body").Call("getReader").Call("read") })
}
