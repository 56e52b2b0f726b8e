// Command exit_zero_explicit calls os.Exit(0) while other goroutines are
// still sleeping and a ticker is running: the program must end at once with
// status 0 instead of waiting for the pending timers.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	go func() {
		time.Sleep(time.Hour)
		fmt.Println("never printed: sleeper woke up")
	}()
	ticker := time.NewTicker(time.Minute)
	go func() {
		<-ticker.C
		fmt.Println("never printed: ticker fired")
	}()
	time.AfterFunc(30*time.Minute, func() { fmt.Println("never printed: AfterFunc ran") })

	fmt.Println("timers pending, exiting with status 0")
	os.Exit(0)
}
