// Command stat_spin has a goroutine doing synchronous fs calls in a loop while main does one
// too: under Node main finishes at once ("main finished: false"); a host that answers fs
// calls without letting the scheduler run would starve main forever.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	done := false
	go func() {
		for !done {
			os.Stat("/")
			runtime.Gosched()
		}
	}()
	_, err := os.Stat("/")
	done = true
	fmt.Println("main finished:", err != nil)
}
