// Command wapc_host_call_refused makes host calls that the host refuses.
// One operation passes the host's error on as its own guest error, another
// turns it into a normal response text.
package main

import (
	"fmt"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func main() {
	wapc.RegisterFunctions(wapc.Functions{
		"forward_error": func(payload []byte) ([]byte, error) {
			resp, err := wapc.HostCall("b", "n", "deny", payload)
			if err != nil {
				return nil, fmt.Errorf("host refused: %w", err)
			}
			return resp, nil
		},
		"report_error": func(payload []byte) ([]byte, error) {
			resp, err := wapc.HostCall("b", "n", "deny", payload)
			return []byte(fmt.Sprintf("response=%q error=%v nil response=%t", resp, err, resp == nil)), nil
		},
		"mixed": func(payload []byte) ([]byte, error) {
			// A refused call followed by an accepted one.
			_, err1 := wapc.HostCall("b", "n", "deny", payload)
			resp, err2 := wapc.HostCall("b", "n", "allow", payload)
			return []byte(fmt.Sprintf("first error: %v; second: %s (error %v)", err1, resp, err2)), nil
		},
	})
	fmt.Println("waPC functions registered")
	select {}
}
