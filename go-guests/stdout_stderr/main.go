// Command stdout_stderr interleaves writes to stdout and stderr, using
// several kinds of writers, to check that each stream keeps its own order.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(os.Stdout, "out line %d\n", i)
		fmt.Fprintf(os.Stderr, "err line %d\n", i)
	}

	// Partial lines: a line assembled from several writes.
	os.Stdout.WriteString("partial ")
	os.Stderr.WriteString("partial ")
	os.Stdout.WriteString("out")
	os.Stderr.WriteString("err")
	os.Stdout.WriteString("\n")
	os.Stderr.WriteString("\n")

	// A buffered writer flushes in one write.
	w := bufio.NewWriter(os.Stdout)
	for i := 0; i < 3; i++ {
		fmt.Fprintf(w, "buffered %d\n", i)
	}
	w.Flush()

	// println writes to stderr through the runtime, not through package os.
	println("runtime println to stderr", 42)

	// A write with no trailing newline at the very end of each stream.
	os.Stderr.WriteString("err without newline")
	os.Stdout.WriteString("out without newline")
}
