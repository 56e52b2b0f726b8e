// Command hoard_memory keeps 16 MiB slices until its wasm memory cannot grow.
package main

import "fmt"

func main() {
	var kept [][]byte
	for i := 0; ; i++ {
		b := make([]byte, 16<<20)
		for j := range b {
			b[j] = byte(j)
		}
		kept = append(kept, b)
		fmt.Println("MiB kept:", 16*(i+1))
	}
}
