// Command tickers uses time.NewTicker, time.Tick-style loops and
// time.NewTimer with Stop and Reset, printing only counts and booleans.
package main

import (
	"fmt"
	"time"
)

func main() {
	const period = 10 * time.Millisecond
	start := time.Now()
	ticker := time.NewTicker(period)
	for i := 1; i <= 5; i++ {
		<-ticker.C
		fmt.Printf("tick %d\n", i)
	}
	ticker.Stop()
	fmt.Println("5 ticks took at least 50ms:", time.Since(start) >= 5*period)

	// Drain a tick that may have been sent just before Stop, then make sure
	// nothing more arrives.
	select {
	case <-ticker.C:
	default:
	}
	time.Sleep(4 * period)
	select {
	case <-ticker.C:
		fmt.Println("tick after Stop (unexpected)")
	default:
		fmt.Println("no tick after Stop")
	}

	// Reset a ticker to a new period.
	ticker = time.NewTicker(time.Hour)
	ticker.Reset(period)
	<-ticker.C
	fmt.Println("ticker fired after Reset to a short period")
	ticker.Stop()

	// A timer that is stopped before it fires.
	t := time.NewTimer(time.Hour)
	fmt.Println("Stop of a pending timer returns:", t.Stop())

	// A timer that fires, then Stop reports it had already expired.
	t = time.NewTimer(period)
	<-t.C
	fmt.Println("timer fired; Stop now returns:", t.Stop())

	// Reset a fired timer and wait again.
	t.Reset(2 * period)
	t0 := time.Now()
	<-t.C
	fmt.Println("reset timer fired after at least 20ms:", time.Since(t0) >= 2*period)

	// Two tickers with different periods, read by one select until each
	// has delivered enough ticks. Only the fact that both delivered is
	// printed: which case select picks when both are ready is random.
	fast := time.NewTicker(5 * time.Millisecond)
	slow := time.NewTicker(20 * time.Millisecond)
	fastCount, slowCount := 0, 0
	for fastCount < 4 || slowCount < 2 {
		select {
		case <-fast.C:
			fastCount++
		case <-slow.C:
			slowCount++
		}
	}
	fast.Stop()
	slow.Stop()
	fmt.Println("fast and slow tickers both delivered through one select")
}
