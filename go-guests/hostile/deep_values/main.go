// Command deep_values builds a chain of JS objects a million links long and exits: freeing
// it must not take the host's native stack one frame per link.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	object := js.Global().Get("Object")
	head := object.New()
	for i := 0; i < 1000000; i++ {
		next := object.New()
		next.Set("next", head)
		head = next
	}
	fmt.Println("built a chain of a million objects")
}
