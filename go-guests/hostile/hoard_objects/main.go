// Command hoard_objects keeps new JS objects, each with a property, until the host stops it.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	object := js.Global().Get("Object")
	var kept []js.Value
	for i := 0; ; i++ {
		o := object.New()
		o.Set("n", i)
		kept = append(kept, o)
		if i%1000000 == 0 {
			fmt.Println("objects kept:", i)
		}
	}
}
