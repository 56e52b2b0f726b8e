// Command clock_sanity checks the clocks the host provides (wall time,
// monotonic time, performance.now) without printing any time value.
package main

import (
	"fmt"
	"syscall/js"
	"time"
)

func main() {
	now := time.Now()
	// UTC() avoids time.Local, whose setup needs more of the JS Date API.
	fmt.Println("wall clock year is at least 2024:", now.UTC().Year() >= 2024)

	monotonic := true
	prev := time.Now()
	for i := 0; i < 10000; i++ {
		t := time.Now()
		if t.Before(prev) {
			monotonic = false
		}
		prev = t
	}
	fmt.Println("10000 successive time.Now() never go backwards:", monotonic)

	start := time.Now()
	time.Sleep(15 * time.Millisecond)
	elapsed := time.Since(start)
	fmt.Println("time.Since after 15ms sleep is at least 15ms:", elapsed >= 15*time.Millisecond)
	fmt.Println("and less than 10s:", elapsed < 10*time.Second)

	perf := js.Global().Get("performance")
	p1 := perf.Call("now").Float()
	time.Sleep(5 * time.Millisecond)
	p2 := perf.Call("now").Float()
	fmt.Println("performance.now advanced by at least 4ms:", p2-p1 >= 4)

	dateNow := js.Global().Get("Date").Call("now").Float()
	diff := dateNow - float64(time.Now().UnixMilli())
	if diff < 0 {
		diff = -diff
	}
	fmt.Println("Date.now() agrees with time.Now() within 5s:", diff < 5000)
	fmt.Println("Unix time is positive:", time.Now().Unix() > 0)
}
