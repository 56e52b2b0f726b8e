// Command host_calls spends its time in host calls (a syscall/js call in a tight loop), where
// an interpreter counting instructions would not notice a deadline.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	date := js.Global().Get("Date")
	for i := 0; ; i++ {
		date.Call("now")
		if i%1000000 == 0 {
			fmt.Println("calls:", i)
		}
	}
}
