// Command busy_loop never returns: it spins on the CPU without yielding. It is not a
// conformance fixture (there is nothing to compare); the CLI tests use it to check that
// --timeout stops a guest that never goes idle.
package main

import "fmt"

var sink uint64

func main() {
	fmt.Println("spinning")
	for i := uint64(0); ; i++ {
		sink += i * i
	}
}
