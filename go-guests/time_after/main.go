// Command time_after uses time.After, time.AfterFunc and context deadlines
// in select statements; every race is decided by margins of at least
// hundreds of milliseconds.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func main() {
	// A timeout wins against a channel that never receives.
	never := make(chan int)
	select {
	case v := <-never:
		fmt.Println("unexpected value", v)
	case <-time.After(15 * time.Millisecond):
		fmt.Println("timeout after 15ms")
	}

	// A value that arrives after 5ms wins against a long timeout.
	quick := make(chan string, 1)
	go func() {
		time.Sleep(5 * time.Millisecond)
		quick <- "fast result"
	}()
	select {
	case v := <-quick:
		fmt.Println("received:", v)
	case <-time.After(5 * time.Second):
		fmt.Println("unexpected timeout")
	}

	// time.AfterFunc runs its function in its own goroutine.
	fired := make(chan string)
	time.AfterFunc(10*time.Millisecond, func() { fired <- "AfterFunc ran" })
	fmt.Println(<-fired)

	// A stopped AfterFunc never runs.
	stopped := time.AfterFunc(5*time.Millisecond, func() { fmt.Println("unexpected: stopped AfterFunc ran") })
	fmt.Println("AfterFunc stopped before firing:", stopped.Stop())

	// context.WithTimeout expires.
	// The clock starts before the context's, so the wait is never shorter than 20ms.
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
		fmt.Println("context done:", ctx.Err())
		fmt.Println("is DeadlineExceeded:", errors.Is(ctx.Err(), context.DeadlineExceeded))
		fmt.Println("waited at least 20ms:", time.Since(start) >= 20*time.Millisecond)
	case <-time.After(5 * time.Second):
		fmt.Println("unexpected: context did not expire")
	}

	// context.WithCancel cancelled from another goroutine.
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		time.Sleep(5 * time.Millisecond)
		cancel2()
	}()
	<-ctx2.Done()
	fmt.Println("cancelled context:", ctx2.Err())

	// A worker that respects its context's deadline.
	work := func(ctx context.Context, d time.Duration) error {
		select {
		case <-time.After(d):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	ctx3, cancel3 := context.WithTimeout(context.Background(), time.Second)
	fmt.Println("short work within deadline:", work(ctx3, 5*time.Millisecond))
	cancel3()
	ctx4, cancel4 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	fmt.Println("long work past deadline:", work(ctx4, 5*time.Second))
	cancel4()

	// A zero-duration time.After fires promptly.
	<-time.After(0)
	fmt.Println("time.After(0) fired")
}
