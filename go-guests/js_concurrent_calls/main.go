// Command js_concurrent_calls has several goroutines call Go functions through
// the host at once (fn.Invoke, harness.apply, a Promise executor), yielding
// between calls so that each goroutine's call into the host is often made
// while the others are runnable. Every call must come back with its own
// result: a call whose event went astray returns undefined, counted as wrong.
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
				var ok bool
				switch i % 3 {
				case 0:
					ok = isSquare(square.Invoke(n), n)
				case 1:
					ok = isSquare(harness.Call("apply", square, n), n)
				default:
					// new Promise(executor) runs the executor at once, a
					// nested call inside a nested call.
					ok = promise.New(executor).Type() == js.TypeObject
				}
				if !ok {
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

// isSquare reports whether v is the number n*n.
func isSquare(v js.Value, n int) bool {
	return v.Type() == js.TypeNumber && v.Int() == n*n
}
