// Command wapc_echo answers the waPC operation "echo" with its payload
// unchanged.
package main

import (
	"fmt"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func main() {
	wapc.RegisterFunctions(wapc.Functions{
		"echo": func(payload []byte) ([]byte, error) {
			fmt.Printf("echo received %d bytes\n", len(payload))
			return payload, nil
		},
	})
	fmt.Println("waPC functions registered")
	select {}
}
