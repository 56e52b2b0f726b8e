// Command hoard_strings keeps distinct 1 MiB JS strings until the host stops it: its JS heap
// limit must, long before the machine runs out of memory.
package main

import (
	"fmt"
	"strings"
	"syscall/js"
)

func main() {
	chunk := strings.Repeat("x", 1<<20)
	var kept []js.Value
	for i := 0; ; i++ {
		kept = append(kept, js.ValueOf(fmt.Sprint(i)+chunk))
		if i%1024 == 0 {
			fmt.Println("strings kept:", i)
		}
	}
}
