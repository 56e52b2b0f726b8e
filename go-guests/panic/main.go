// Command panic panics in main after printing a line; the runtime prints the
// panic message and a goroutine trace to stderr and exits with status 2.
package main

import "fmt"

func main() {
	defer fmt.Println("deferred call runs before the panic is reported")
	fmt.Println("about to panic")
	var items []string
	if len(items) == 0 {
		panic("something went wrong")
	}
	fmt.Println("not reached", items)
}
