// Command read_stdin blocks reading standard input (a pipe, a FIFO, a terminal) until it
// ends: a timeout must stop it even while the host is blocked in the read.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	n, err := io.Copy(io.Discard, os.Stdin)
	fmt.Println("read", n, "bytes, error:", err)
}
