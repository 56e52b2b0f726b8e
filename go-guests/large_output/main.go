// Command large_output writes a little over 200,000 bytes to stdout in
// several ways: many short lines, one large single write, and a final summary.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	total := 0

	// 2,000 numbered lines of exactly 50 bytes each, one write per line.
	for i := 0; i < 2000; i++ {
		line := fmt.Sprintf("line %05d %s\n", i, strings.Repeat(string(rune('a'+i%26)), 38))
		n, err := os.Stdout.WriteString(line)
		if err != nil {
			fmt.Fprintln(os.Stderr, "write error:", err)
			os.Exit(1)
		}
		total += n
	}

	// One 65,536-byte write made of 64-byte lines.
	var sb strings.Builder
	for i := 0; i < 1024; i++ {
		fmt.Fprintf(&sb, "block %04d %s\n", i, strings.Repeat("0123456789", 5)+"abc")
	}
	big := sb.String()
	n, err := os.Stdout.Write([]byte(big))
	if err != nil {
		fmt.Fprintln(os.Stderr, "write error:", err)
		os.Exit(1)
	}
	total += n

	// 40,000 bytes through a small buffered writer, so many 512-byte writes.
	w := bufio.NewWriterSize(os.Stdout, 512)
	for i := 0; i < 1000; i++ {
		m, _ := fmt.Fprintf(w, "buffered %06d %s\n", i, strings.Repeat("x", 23))
		total += m
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "flush error:", err)
		os.Exit(1)
	}

	summary := fmt.Sprintf("total bytes before this line: %d\n", total)
	os.Stdout.WriteString(summary)
	fmt.Fprintln(os.Stderr, "done")
}
