// Command wapc_guest_error has waPC operations that fail, so the host
// receives a guest error instead of a response.
package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

// ErrEmpty is returned for an empty payload.
var ErrEmpty = errors.New("payload must not be empty")

func main() {
	wapc.RegisterFunctions(wapc.Functions{
		"parse_int": func(payload []byte) ([]byte, error) {
			if len(payload) == 0 {
				return nil, ErrEmpty
			}
			n, err := strconv.Atoi(string(payload))
			if err != nil {
				return nil, fmt.Errorf("bad input %q: %w", payload, err)
			}
			return []byte(strconv.Itoa(n * 2)), nil
		},
		"always_fail": func(payload []byte) ([]byte, error) {
			return []byte("ignored response"), errors.New("operation failed: ünïcode ✗")
		},
	})
	fmt.Println("waPC functions registered")
	select {}
}
