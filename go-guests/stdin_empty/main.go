// Command stdin_empty reads all of an empty stdin and reports what it got:
// zero bytes and no error, then io.EOF on a further read.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	data, err := io.ReadAll(os.Stdin)
	fmt.Printf("ReadAll: %d bytes, err=%v\n", len(data), err)

	buf := make([]byte, 16)
	n, err := os.Stdin.Read(buf)
	fmt.Printf("Read after EOF: n=%d, err=%v, is EOF=%t\n", n, err, err == io.EOF)
}
