//go:build js && wasm

package wapc_test

import (
	"fmt"
	"strings"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

// This guest answers two operations: "upper" returns its payload in upper
// case, and "greet" asks the host for a name before answering.
func Example() {
	wapc.RegisterFunctions(wapc.Functions{
		"upper": func(payload []byte) ([]byte, error) {
			return []byte(strings.ToUpper(string(payload))), nil
		},
		"greet": func(payload []byte) ([]byte, error) {
			name, err := wapc.HostCall("users", "directory", "lookup", payload)
			if err != nil {
				return nil, fmt.Errorf("lookup failed: %w", err)
			}
			return []byte("hello, " + string(name)), nil
		},
	})

	// A real guest's main now blocks forever so that the host can keep
	// invoking operations:
	//
	//	select {}
}
