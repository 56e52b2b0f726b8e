// Command js_cycles drops JS objects that refer to each other, so only a collector that
// finds cycles could free them; the host must count what they keep against the limit.
package main

import (
	"fmt"
	"strings"
	"syscall/js"
)

func main() {
	object := js.Global().Get("Object")
	chunk := strings.Repeat("c", 1<<16)
	for i := 0; ; i++ {
		a, b := object.New(), object.New()
		a.Set("peer", b)
		b.Set("peer", a)
		a.Set("data", chunk+fmt.Sprint(i))
		if i%10000 == 0 {
			fmt.Println("cycles dropped:", i)
		}
	}
}
