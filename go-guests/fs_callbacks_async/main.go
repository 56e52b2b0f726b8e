// Command fs_callbacks_async shows that a goroutine looping over file operations cannot starve
// the others: each operation's callback comes from the event loop, as under Node, so the
// goroutine waiting for it lets main run.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
)

func main() {
	dir := os.Getenv("FSROOT")
	var done atomic.Bool
	var loops atomic.Int64
	go func() {
		for !done.Load() {
			os.Stat(dir)
			loops.Add(1)
			runtime.Gosched()
		}
	}()
	_, err := os.Stat(dir)
	done.Store(true)
	fmt.Println("main finished, stat error:", err != nil)
	if err := os.WriteFile(dir+"/f", []byte("data"), 0o600); err != nil {
		fmt.Println("write:", err)
	}
	b, err := os.ReadFile(dir + "/f")
	fmt.Printf("read back %q, error %v\n", b, err)
}
