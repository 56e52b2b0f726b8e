// Command epipe writes lines to standard output until a write fails, then reports the error
// on standard error: when the reader of a pipe has gone, the error must be EPIPE ("broken
// pipe"), as under Node, not EIO.
package main

import (
	"fmt"
	"os"
)

func main() {
	for i := 0; ; i++ {
		if _, err := fmt.Println("line", i); err != nil {
			fmt.Fprintln(os.Stderr, "write error:", err)
			os.Exit(3)
		}
	}
}
