// Command funcof_no_steps_deadlock publishes a function and blocks main with
// an empty select. A published function does not keep the program alive on
// its own: when the host has nothing more to call and no timer is pending,
// it wakes the guest and Go reports a deadlock (status 2).
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	js.Global().Set("unused", js.FuncOf(func(this js.Value, args []js.Value) any {
		return nil
	}))
	fmt.Println("function published, blocking in select {}")
	select {}
}
