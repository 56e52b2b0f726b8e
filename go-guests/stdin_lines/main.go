// Command stdin_lines reads stdin line by line with bufio.Scanner and echoes
// each line in upper case with its number.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	n := 0
	for sc.Scan() {
		n++
		fmt.Printf("%d: %s\n", n, strings.ToUpper(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		fmt.Println("scan error:", err)
		os.Exit(1)
	}
	fmt.Printf("read %d lines\n", n)
}
