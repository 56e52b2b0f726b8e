// Command wapc_main_returns is shaped like the seed project's waPC example: it
// registers its operation and lets main return. Under Node (and so here) the
// program has then exited, and a host that invokes the operation afterwards
// gets an error saying so. Keeping main blocked (select {}) would keep it
// callable.
package main

import (
	"fmt"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func hello(payload []byte) ([]byte, error) {
	name, err := wapc.HostCall("myBinding", "sample", "hello", payload)
	if err != nil {
		return nil, err
	}
	return append([]byte("hello back, "), name...), nil
}

func main() {
	wapc.RegisterFunctions(wapc.Functions{"hello": hello})
	fmt.Println("registered; main returns")
}
