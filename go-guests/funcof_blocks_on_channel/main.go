// Command funcof_blocks_on_channel publishes functions whose handlers block
// on channels, a WaitGroup and a mutex until other goroutines (started by
// the handler, or already waiting in the background) unblock them. None of
// this needs a new JavaScript event, so the handler returns its result
// synchronously to the host.
package main

import (
	"fmt"
	"sync"
	"syscall/js"
)

func main() {
	// A long-lived worker goroutine that serves requests over channels.
	requests := make(chan int)
	replies := make(chan int)
	go func() {
		for n := range requests {
			replies <- n * n
		}
	}()

	js.Global().Set("square", js.FuncOf(func(this js.Value, args []js.Value) any {
		requests <- args[0].Int()
		return <-replies
	}))

	js.Global().Set("fanout", js.FuncOf(func(this js.Value, args []js.Value) any {
		n := args[0].Int()
		results := make([]int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i] = (i + 1) * 10
			}(i)
		}
		wg.Wait()
		sum := 0
		for _, r := range results {
			sum += r
		}
		fmt.Printf("fanout(%d): results %v\n", n, results)
		return sum
	}))

	js.Global().Set("handoff", js.FuncOf(func(this js.Value, args []js.Value) any {
		// An unbuffered channel fed by a fresh goroutine, then a mutex held
		// by another goroutine until it is done.
		ch := make(chan string)
		go func() { ch <- "from goroutine: " + args[0].String() }()
		msg := <-ch

		var mu sync.Mutex
		mu.Lock()
		released := make(chan struct{})
		go func() {
			close(released)
			mu.Unlock()
		}()
		mu.Lock()
		<-released
		mu.Unlock()
		return msg + " (mutex handed over)"
	}))
	fmt.Println("blocking functions published")
	select {}
}
