// Command js_concurrent_calls has several goroutines call Go functions through
// the host at once (fn.Invoke, harness.apply, a Promise executor), yielding
// between calls so that each goroutine's call into the host is often made
// while the others are runnable. Every call must come back with its own
// result: a call whose event went astray returns undefined, and a lost timer
// leaves the program deadlocked.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"syscall/js"
	"time"
)

var (
	harness = js.Global().Get("harness")
	promise = js.Global().Get("Promise")
)

func main() {
	square := js.FuncOf(func(this js.Value, args []js.Value) any {
		n := args[0].Int()
		runtime.Gosched()
		return n * n
	})
	executor := js.FuncOf(func(this js.Value, args []js.Value) any {
		args[0].Invoke(7)
		return nil
	})
	const workers, calls = 4, 1500
	var wg sync.WaitGroup
	wrong := make([]int, workers)
	for w := 0; w < workers; w++ {
		w := w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				n := w*calls + i
				var got js.Value
				switch i % 3 {
				case 0:
					got = square.Invoke(n)
				case 1:
					got = harness.Call("apply", square, n)
				default:
					// new Promise(executor) runs the executor at once, a
					// nested call inside a nested call.
					got = js.ValueOf(n * n)
					if p := promise.New(executor); p.Type() != js.TypeObject {
						got = p
					}
				}
				if got.Type() != js.TypeNumber || got.Int() != n*n {
					wrong[w]++
				}
				if i%100 == 0 {
					time.Sleep(time.Millisecond)
				}
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	for w, n := range wrong {
		fmt.Printf("worker %d: %d calls, %d wrong results\n", w, calls, n)
	}
}
