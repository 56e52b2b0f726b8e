// Command funcof_blocks_on_timer publishes functions whose handlers wait
// for timers (time.Sleep, time.After, a goroutine that sleeps) before
// returning. While a handler is blocked the host cannot deliver timer
// events, so the Go runtime itself waits until the timer is due and the
// host's call returns only afterwards, with the result.
package main

import (
	"fmt"
	"syscall/js"
	"time"
)

func main() {
	js.Global().Set("sleepy", js.FuncOf(func(this js.Value, args []js.Value) any {
		d := time.Duration(args[0].Int()) * time.Millisecond
		start := time.Now()
		time.Sleep(d)
		return fmt.Sprintf("slept %v, at least that long: %t", d, time.Since(start) >= d)
	}))
	js.Global().Set("late_value", js.FuncOf(func(this js.Value, args []js.Value) any {
		ch := make(chan string)
		go func() {
			time.Sleep(10 * time.Millisecond)
			ch <- "value from a sleeping goroutine"
		}()
		return <-ch
	}))
	js.Global().Set("with_timeout", js.FuncOf(func(this js.Value, args []js.Value) any {
		never := make(chan int)
		select {
		case <-never:
			return "unexpected"
		case <-time.After(15 * time.Millisecond):
			return "timed out as expected"
		}
	}))
	fmt.Println("timer functions published")
	select {}
}
