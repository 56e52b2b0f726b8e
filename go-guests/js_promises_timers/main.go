// Command js_promises_timers drives JavaScript timers, microtasks and
// promises from Go through syscall/js and prints the order in which the
// callbacks run (never times): setTimeout/setInterval/clearTimeout,
// queueMicrotask, promise chains and combinators, `new Promise` with an
// executor written in Go, the "async Go function" idiom (a Go function that
// returns a Promise settled from a goroutine) and the interleaving of JS
// timers with Go's own time.Sleep and time.After.
//
// Callbacks only run once Go yields to the JavaScript event loop, i.e. when
// every goroutine is blocked. The main goroutine waits for them with a
// select that also has a (never reached) 5-second Go timer: a host may treat
// a Go program that is blocked with no Go timer pending as finished, so
// the safety timer keeps the program alive while only JS timers are due.
package main

import (
	"fmt"
	"strings"
	"syscall/js"
	"time"
)

var (
	global   = js.Global()
	object   = global.Get("Object")
	array    = global.Get("Array")
	jsString = global.Get("String")
	promise  = global.Get("Promise")
	jsonObj  = global.Get("JSON")
	errorCtr = global.Get("Error")
)

// funcs holds every js.Func made by cb so they can be released at the end.
var funcs []js.Func

// cb makes a JS callback from a Go function.
func cb(f func(args []js.Value) any) js.Func {
	fn := js.FuncOf(func(this js.Value, args []js.Value) any { return f(args) })
	funcs = append(funcs, fn)
	return fn
}

// say prints one event line.
func say(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// show renders a settled value: strings quoted, errors as name: message,
// arrays element by element, allSettled entries as {status value}, other
// objects as JSON.
func show(v js.Value) string {
	switch v.Type() {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeString:
		return fmt.Sprintf("%q", v.String())
	case js.TypeObject:
		if v.InstanceOf(errorCtr) {
			return v.Get("name").String() + ": " + v.Get("message").String()
		}
		if array.Call("isArray", v).Bool() {
			parts := make([]string, v.Length())
			for i := range parts {
				parts[i] = show(v.Index(i))
			}
			return "[" + strings.Join(parts, ", ") + "]"
		}
		// A Promise.allSettled entry.
		if st := v.Get("status"); st.Type() == js.TypeString {
			if st.String() == "fulfilled" {
				return "{fulfilled " + show(v.Get("value")) + "}"
			}
			return "{rejected " + show(v.Get("reason")) + "}"
		}
		return jsonObj.Call("stringify", v).String()
	}
	return jsString.Invoke(v).String()
}

// wait blocks until done is closed (or reports a timeout that should
// never happen).
func wait(what string, done <-chan struct{}) {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		say("TIMEOUT waiting for %s", what)
	}
}

// await blocks the calling goroutine until the promise p settles and
// returns its value or its rejection reason. It must not be used inside
// a callback that JS calls synchronously.
func await(p js.Value) (value js.Value, reason js.Value, ok bool) {
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
		if r.ok {
			return r.v, js.Undefined(), true
		}
		return js.Undefined(), r.v, false
	case <-t.C:
		return js.Undefined(), jsString.Invoke("TIMEOUT"), false
	}
}

// report awaits p and prints how it settled.
func report(label string, p js.Value) {
	v, reason, ok := await(p)
	if ok {
		say("%s: fulfilled with %s", label, show(v))
	} else {
		say("%s: rejected with %s", label, show(reason))
	}
}

// delayed returns new Promise(executor) where the Go executor settles the
// promise from a JS setTimeout after ms milliseconds.
func delayed(ms int, value any, reject bool) js.Value {
	executor := js.FuncOf(func(this js.Value, args []js.Value) any {
		settle := args[0]
		if reject {
			settle = args[1]
		}
		var fire js.Func
		fire = js.FuncOf(func(this js.Value, _ []js.Value) any {
			settle.Invoke(value)
			fire.Release()
			return nil
		})
		global.Call("setTimeout", fire, ms)
		return nil
	})
	defer executor.Release() // the executor runs synchronously inside New
	return promise.New(executor)
}

// asyncSquare is the "async Go function" idiom: it returns a Promise at
// once and settles it from a goroutine after doing its (sleeping) work.
var asyncSquare = js.FuncOf(func(this js.Value, args []js.Value) any {
	n := args[0].Int()
	handler := js.FuncOf(func(this js.Value, pargs []js.Value) any {
		resolve, reject := pargs[0], pargs[1]
		go func() {
			time.Sleep(time.Duration(5+n%3) * time.Millisecond)
			if n < 0 {
				reject.Invoke(errorCtr.New(fmt.Sprintf("negative input %d", n)))
				return
			}
			resolve.Invoke(n * n)
		}()
		return nil
	})
	defer handler.Release()
	return promise.New(handler)
})

func main() {
	basicOrdering()
	microtasksBetweenTimers()
	intervals()
	clearing()
	promiseChains()
	combinators()
	asyncGo()
	goTimersInterleaved()
	for _, f := range funcs {
		f.Release()
	}
	asyncSquare.Release()
	say("done")
}

// basicOrdering: synchronous Go code first, then microtasks in the order
// they were queued, then timers by delay. (The timers are registered in
// ascending order of delay: Node orders timers by registration time plus
// delay, so a slow machine pausing between the calls could otherwise
// reorder them.)
func basicOrdering() {
	say("== basic ordering")
	done := make(chan struct{})
	for _, ms := range []int{0, 5, 10} {
		ms := ms
		global.Call("setTimeout", cb(func([]js.Value) any {
			say("setTimeout %d ms", ms)
			if ms == 10 {
				close(done)
			}
			return nil
		}), ms)
	}
	global.Call("queueMicrotask", cb(func([]js.Value) any { say("queueMicrotask 1"); return nil }))
	promise.Call("resolve", "v").Call("then", cb(func(a []js.Value) any {
		say("Promise.resolve(%s).then", show(a[0]))
		return nil
	}))
	global.Call("queueMicrotask", cb(func([]js.Value) any { say("queueMicrotask 2"); return nil }))
	h := global.Call("setTimeout", cb(func([]js.Value) any { return nil }), 0)
	say("setTimeout returns a value of type %s", h.Type())
	say("synchronous Go code after scheduling (nothing ran yet)")
	wait("basic ordering", done)
}

// microtasksBetweenTimers: microtasks queued by a timer callback run
// before the next timer callback; a promise chain interleaves with
// queueMicrotask one step at a time.
func microtasksBetweenTimers() {
	say("== microtasks between timers")
	done := make(chan struct{})
	global.Call("setTimeout", cb(func([]js.Value) any {
		say("timer A")
		global.Call("queueMicrotask", cb(func([]js.Value) any { say("microtask queued by timer A"); return nil }))
		promise.Call("resolve").Call("then", cb(func([]js.Value) any { say("promise queued by timer A"); return nil }))
		return nil
	}), 0)
	global.Call("setTimeout", cb(func([]js.Value) any {
		say("timer B")
		close(done)
		return nil
	}), 0)
	wait("timers A and B", done)

	done = make(chan struct{})
	step := func(name string) js.Func {
		return cb(func(a []js.Value) any { say("%s got %s", name, show(a[0])); return name })
	}
	promise.Call("resolve", 1).Call("then", step("then 1")).Call("then", step("then 2")).Call("then", step("then 3")).
		Call("then", cb(func([]js.Value) any { close(done); return nil }))
	global.Call("queueMicrotask", cb(func([]js.Value) any {
		say("queueMicrotask X")
		global.Call("queueMicrotask", cb(func([]js.Value) any { say("queueMicrotask Y (queued by X)"); return nil }))
		return nil
	}))
	wait("chain", done)
}

// intervals: setInterval runs until clearInterval is called from inside
// its own callback; extra arguments reach the callback.
func intervals() {
	say("== setInterval")
	done := make(chan struct{})
	ticks := 0
	var id js.Value
	id = global.Call("setInterval", cb(func(a []js.Value) any {
		ticks++
		say("interval tick %d (args %s %s)", ticks, show(a[0]), show(a[1]))
		if ticks == 3 {
			global.Call("clearInterval", id)
			// A timer well after the next would-be tick proves it stopped.
			global.Call("setTimeout", cb(func([]js.Value) any {
				say("after clearInterval: %d ticks in total", ticks)
				close(done)
				return nil
			}), 25)
		}
		return nil
	}), 5, "x", 42)
	wait("interval", done)
}

// clearing: cleared timers never run; clearing unknown values is a no-op.
func clearing() {
	say("== clearTimeout")
	done := make(chan struct{})
	pending := global.Call("setTimeout", cb(func([]js.Value) any { say("BUG: cleared timer ran"); return nil }), 5)
	global.Call("clearTimeout", pending)
	global.Call("clearTimeout", pending) // twice is fine
	global.Call("clearTimeout", js.Undefined())
	global.Call("clearTimeout", nil)
	global.Call("clearTimeout", 987654)
	global.Call("clearInterval", pending) // interval and timeout handles are interchangeable
	self := js.Undefined()
	self = global.Call("setTimeout", cb(func([]js.Value) any {
		global.Call("clearTimeout", self) // clearing a timer that is running
		say("timer that clears itself ran once")
		return nil
	}), 1)
	global.Call("setTimeout", cb(func([]js.Value) any {
		say("20 ms timer ran; the cleared 5 ms timer did not")
		close(done)
		return nil
	}), 20)
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(js.Error); ok {
				say("setTimeout(\"not a function\") threw %s (code %s)", e.Get("name").String(), e.Get("code").String())
			} else {
				say("setTimeout(\"not a function\") Go panic: %v", r)
			}
		}
		wait("clearing", done)
	}()
	global.Call("setTimeout", "not a function", 1)
	say("BUG: setTimeout with a string did not throw")
}

func promiseChains() {
	say("== promise chains")
	double := cb(func(a []js.Value) any { return a[0].Int() * 2 })
	report("Promise.resolve(21).then(double)", promise.Call("resolve", 21).Call("then", double))
	report("Promise.reject(new Error).catch(e => e.message)",
		promise.Call("reject", errorCtr.New("nope")).Call("catch", cb(func(a []js.Value) any {
			return "caught " + a[0].Get("message").String()
		})))
	report("Promise.reject(\"plain string\")", promise.Call("reject", "plain string"))
	report("then(undefined, onRejected)", promise.Call("reject", 7).Call("then", js.Undefined(), cb(func(a []js.Value) any {
		return a[0].Int() + 1
	})))
	report("rejection skips then handlers",
		promise.Call("reject", errorCtr.New("early")).Call("then", double).Call("then", double))
	report("a handler returning a rejected promise",
		promise.Call("resolve", 1).Call("then", cb(func(a []js.Value) any {
			return promise.Call("reject", global.Get("TypeError").New("from handler"))
		})))
	report("a handler returning a delayed promise (adopted)",
		promise.Call("resolve", 1).Call("then", cb(func(a []js.Value) any { return delayed(5, "later", false) })))
	finallyArgs := -1
	report("finally passes the value through",
		promise.Call("resolve", "kept").Call("finally", cb(func(a []js.Value) any {
			finallyArgs = len(a)
			return "ignored"
		})))
	say("finally callback got %d arguments", finallyArgs)
	report("finally passes a rejection through",
		promise.Call("reject", errorCtr.New("still rejected")).Call("finally", cb(func([]js.Value) any { return nil })))
	report("Promise.resolve(thenable written in Go)",
		promise.Call("resolve", map[string]any{"then": cb(func(a []js.Value) any {
			a[0].Invoke("from thenable")
			return nil
		})}))
	p := promise.Call("resolve", 5)
	say("Promise.resolve(p) === p: %t; type %s; instanceof Promise: %t",
		promise.Call("resolve", p).Equal(p), p.Type(), p.InstanceOf(promise))
	report("new Promise with a Go executor resolving from setTimeout", delayed(5, "timer value", false))
	report("new Promise with a Go executor rejecting from setTimeout", delayed(5, errorCtr.New("timer failure"), true))
	executorRan := false
	p = promise.New(cb(func(a []js.Value) any {
		executorRan = true
		a[0].Invoke("first")
		a[0].Invoke("second")
		a[1].Invoke("third")
		return nil
	}))
	say("executor ran synchronously inside New: %t", executorRan)
	report("only the first resolve counts", p)
	func() {
		defer func() {
			if r := recover(); r != nil {
				e := r.(js.Error)
				say("new Promise(undefined) threw %s: %s", e.Get("name").String(), e.Get("message").String())
			}
		}()
		promise.New(js.Undefined())
	}()
}

func combinators() {
	say("== combinators")
	all := func(xs ...any) js.Value { return js.ValueOf(xs) }
	report("Promise.all(values, resolved, delayed)",
		promise.Call("all", all(1, promise.Call("resolve", 2), delayed(10, 3, false), delayed(5, 4, false))))
	first := delayed(5, errorCtr.New("first failure"), true)
	report("Promise.all with a rejection",
		promise.Call("all", all(delayed(10, "slow", false), first, delayed(15, errorCtr.New("second failure"), true))))
	report("Promise.all([])", promise.Call("all", all()))
	report("Promise.allSettled(mixed)",
		promise.Call("allSettled", all(delayed(5, "ok", false), promise.Call("reject", "bad"), 3)))
	// The faster timer is always registered first (see basicOrdering).
	fast := delayed(5, "fast", false)
	report("Promise.race(slow, fast)", promise.Call("race", all(delayed(20, "slow", false), fast)))
	fast = delayed(5, errorCtr.New("fast failure"), true)
	report("Promise.race(slow, fast rejection)", promise.Call("race", all(delayed(20, "slow", false), fast)))
	report("Promise.race(plain value, delayed)", promise.Call("race", all(delayed(5, "delayed", false), "plain")))
	report("Promise.any(rejection, delayed value)",
		promise.Call("any", all(promise.Call("reject", "r1"), delayed(5, "winner", false), delayed(10, "late", false))))
	_, reason, _ := await(promise.Call("any", all(promise.Call("reject", "r1"), delayed(5, "r2", true))))
	say("Promise.any(all rejected): %s; errors %s", show(reason), show(reason.Get("errors")))
	_, reason, _ = await(promise.Call("any", all()))
	say("Promise.any([]): %s; errors %s", show(reason), show(reason.Get("errors")))
	report("Promise.all(not iterable)", promise.Call("all", 42))
}

// asyncGo calls the Promise-returning Go function directly, through JS
// (harness.apply) and in combinators.
func asyncGo() {
	say("== async Go function")
	p := asyncSquare.Invoke(7)
	say("asyncSquare(7) returned a value of type %s that is a Promise: %t", p.Type(), p.InstanceOf(promise))
	report("await asyncSquare(7)", p)
	report("await harness.apply(asyncSquare, 9)", global.Get("harness").Call("apply", asyncSquare, 9))
	report("await asyncSquare(-2)", asyncSquare.Invoke(-2))
	report("Promise.all(asyncSquare 1..5)", promise.Call("all", js.ValueOf([]any{
		asyncSquare.Invoke(1), asyncSquare.Invoke(2), asyncSquare.Invoke(3), asyncSquare.Invoke(4), asyncSquare.Invoke(5),
	})))
	report("Promise.allSettled(asyncSquare 3, -3)", promise.Call("allSettled", js.ValueOf([]any{
		asyncSquare.Invoke(3), asyncSquare.Invoke(-3),
	})))
	// Several goroutines awaiting concurrently; results are collected by
	// index so the printed order does not depend on scheduling.
	results := make([]string, 4)
	finished := make(chan int)
	for i := range results {
		go func(i int) {
			v, _, _ := await(asyncSquare.Invoke(i + 10))
			results[i] = show(v)
			finished <- i
		}(i)
	}
	for range results {
		<-finished
	}
	say("four goroutines awaiting concurrently: %s", strings.Join(results, " "))
	report("asyncSquare(6).then(double)", asyncSquare.Invoke(6).Call("then", cb(func(a []js.Value) any { return a[0].Int() * 2 })))
}

// goTimersInterleaved: JS timers and Go timers share one clock; with
// generous gaps (50 ms) between the deadlines the order is fixed.
func goTimersInterleaved() {
	say("== JS timers and Go timers")
	events := make(chan string, 8)
	jsDone := make(chan struct{})
	global.Call("setTimeout", cb(func([]js.Value) any { events <- "JS setTimeout 10 ms"; return nil }), 10)
	global.Call("setTimeout", cb(func([]js.Value) any {
		events <- "JS setTimeout 160 ms"
		close(jsDone)
		return nil
	}), 160)
	go func() {
		time.Sleep(60 * time.Millisecond)
		events <- "Go time.Sleep 60 ms"
	}()
	go func() {
		<-time.After(110 * time.Millisecond)
		events <- "Go time.After 110 ms"
	}()
	promise.Call("resolve").Call("then", cb(func([]js.Value) any { events <- "JS microtask"; return nil }))
	events <- "Go main before blocking"
	wait("interleaving", jsDone)
	close(events)
	for e := range events {
		say("%s", e)
	}

	// A goroutine's time.Sleep keeps running while main waits for a JS timer.
	say("Go time.Sleep(20ms) in main, then a JS 0 ms timer queued before it fires first:")
	done := make(chan struct{})
	global.Call("setTimeout", cb(func([]js.Value) any { say("  JS 0 ms timer (ran during Go's sleep)"); close(done); return nil }), 0)
	time.Sleep(20 * time.Millisecond)
	say("  Go main woke up")
	wait("0 ms timer", done)
}
