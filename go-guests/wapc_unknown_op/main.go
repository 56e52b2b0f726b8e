// Command wapc_unknown_op registers one waPC operation; invoking any other
// operation is refused (__guest_call returns false and nothing answers),
// and the guest keeps serving afterwards.
package main

import (
	"fmt"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func main() {
	wapc.RegisterFunctions(wapc.Functions{
		"known": func(payload []byte) ([]byte, error) {
			return append([]byte("known got: "), payload...), nil
		},
		// Registering nil removes an operation.
		"removed": nil,
	})
	fmt.Println("waPC functions registered")
	select {}
}
