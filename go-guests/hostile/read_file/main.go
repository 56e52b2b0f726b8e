// Command read_file reads the file named by its argument to the end (a FIFO with no writer
// blocks it), or with -w writes to it (a FIFO with no reader blocks the open).
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-w" {
		f, err := os.OpenFile(os.Args[2], os.O_WRONLY, 0)
		if err != nil {
			fmt.Println("open:", err)
			return
		}
		_, err = f.Write([]byte("hello\n"))
		fmt.Println("wrote, error:", err)
		return
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Println("open:", err)
		return
	}
	n, err := io.Copy(io.Discard, f)
	fmt.Println("read", n, "bytes, error:", err)
}
