// Command exit_code prints to both streams and exits with status 3.
package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred calls do not run on os.Exit")
	fmt.Println("about to exit with status 3")
	fmt.Fprintln(os.Stderr, "stderr before exit")
	os.Exit(3)
}
