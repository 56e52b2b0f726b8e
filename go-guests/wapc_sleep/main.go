// Command wapc_sleep has waPC operations that wait for timers before
// answering, so the answer arrives after __guest_call has returned.
package main

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func main() {
	wapc.RegisterFunctions(wapc.Functions{
		"sleep": func(payload []byte) ([]byte, error) {
			ms, err := strconv.Atoi(string(payload))
			if err != nil {
				return nil, err
			}
			d := time.Duration(ms) * time.Millisecond
			start := time.Now()
			time.Sleep(d)
			return []byte(fmt.Sprintf("slept %v, at least that long: %t", d, time.Since(start) >= d)), nil
		},
		"ticker": func(payload []byte) ([]byte, error) {
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for i := 0; i < 3; i++ {
				<-t.C
			}
			return []byte("3 ticks"), nil
		},
		"parallel": func(payload []byte) ([]byte, error) {
			// Several goroutines sleep different times; results by index.
			out := make([]string, 4)
			var wg sync.WaitGroup
			for i := 0; i < 4; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					time.Sleep(time.Duration(4-i) * 3 * time.Millisecond)
					out[i] = strconv.Itoa(i)
				}(i)
			}
			wg.Wait()
			return []byte(fmt.Sprint(out)), nil
		},
		"slow_error": func(payload []byte) ([]byte, error) {
			<-time.After(10 * time.Millisecond)
			return nil, fmt.Errorf("gave up after waiting")
		},
	})
	fmt.Println("waPC functions registered")
	select {}
}
