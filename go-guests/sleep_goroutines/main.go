// Command sleep_goroutines runs goroutines that sleep for different times
// and talk over channels. Output order is fixed by the channel structure and
// never by which timer the host happens to fire first.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("main slept at least 20ms:", time.Since(start) >= 20*time.Millisecond)

	// Workers sleep for decreasing times; results are stored by index.
	const workers = 5
	results := make([]string, workers)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d := time.Duration(workers-i) * 5 * time.Millisecond
			t0 := time.Now()
			time.Sleep(d)
			results[i] = fmt.Sprintf("worker %d slept %v: at least that long=%t", i, d, time.Since(t0) >= d)
		}(i)
	}
	wg.Wait()
	for _, r := range results {
		fmt.Println(r)
	}

	// A pipeline: each stage sleeps, then passes the value on.
	src := make(chan int)
	double := make(chan int)
	inc := make(chan int)
	go func() {
		for i := 1; i <= 4; i++ {
			time.Sleep(3 * time.Millisecond)
			src <- i
		}
		close(src)
	}()
	go func() {
		for v := range src {
			time.Sleep(2 * time.Millisecond)
			double <- v * 2
		}
		close(double)
	}()
	go func() {
		for v := range double {
			time.Sleep(time.Millisecond)
			inc <- v + 1
		}
		close(inc)
	}()
	for v := range inc {
		fmt.Println("pipeline output:", v)
	}

	// Ping-pong between two goroutines with a sleep on each hop.
	ping, pong := make(chan int), make(chan int)
	finished := make(chan struct{})
	go func() {
		for v := range ping {
			time.Sleep(time.Millisecond)
			pong <- v + 1
		}
		close(finished)
	}()
	v := 0
	for i := 0; i < 5; i++ {
		ping <- v
		v = <-pong
		fmt.Println("ping-pong round", i+1, "value", v)
	}
	close(ping)
	<-finished

	// Sleeping for zero or a negative duration returns at once.
	time.Sleep(0)
	time.Sleep(-time.Second)
	fmt.Println("total at least 50ms:", time.Since(start) >= 50*time.Millisecond)
	fmt.Println("done")
}
