// Command hello prints a greeting and exits normally.
package main

import "fmt"

func main() {
	fmt.Println("Hello, wasmexec!")
}
