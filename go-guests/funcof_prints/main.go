// Command funcof_prints publishes functions whose handlers write to stdout
// and stderr while the host is calling them.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall/js"
)

func main() {
	count := 0
	js.Global().Set("log", js.FuncOf(func(this js.Value, args []js.Value) any {
		count++
		msg := "(no message)"
		if len(args) > 0 {
			msg = args[0].String()
		}
		fmt.Printf("log #%d: %s\n", count, msg)
		return count
	}))
	js.Global().Set("warn", js.FuncOf(func(this js.Value, args []js.Value) any {
		fmt.Fprintf(os.Stderr, "warning: %s\n", args[0].String())
		return nil
	}))
	js.Global().Set("report", js.FuncOf(func(this js.Value, args []js.Value) any {
		// Several writes, a buffered writer and a line without newline.
		n := args[0].Int()
		w := bufio.NewWriter(os.Stdout)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(w, "report line %d/%d %s\n", i, n, strings.Repeat("=", i))
		}
		w.Flush()
		os.Stdout.WriteString("partial line without newline... ")
		os.Stdout.WriteString("completed\n")
		return n
	}))
	fmt.Println("printing functions published")
	select {}
}
