// Command wapc_host_call has waPC operations that call back into the host
// with wapc.HostCall before answering.
package main

import (
	"fmt"
	"strings"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func main() {
	wapc.RegisterFunctions(wapc.Functions{
		"shout": func(payload []byte) ([]byte, error) {
			resp, err := wapc.HostCall("b", "n", "upper", payload)
			if err != nil {
				return nil, err
			}
			fmt.Printf("host answered %q\n", resp)
			return []byte("guest saw: " + string(resp)), nil
		},
		"chain": func(payload []byte) ([]byte, error) {
			// Several host calls in one operation, each feeding the next.
			cur := string(payload)
			for i := 0; i < 3; i++ {
				resp, err := wapc.HostCall("b", "n", "wrap", []byte(cur))
				if err != nil {
					return nil, err
				}
				cur = string(resp)
			}
			return []byte(cur), nil
		},
		"lookup_many": func(payload []byte) ([]byte, error) {
			names := strings.Split(string(payload), ",")
			out := make([]string, 0, len(names))
			for _, name := range names {
				resp, err := wapc.HostCall("directory", "users", "lookup", []byte(name))
				if err != nil {
					return nil, err
				}
				out = append(out, string(resp))
			}
			return []byte(strings.Join(out, "; ")), nil
		},
		"empty_payload": func(payload []byte) ([]byte, error) {
			resp, err := wapc.HostCall("b", "n", "upper", nil)
			if err != nil {
				return nil, err
			}
			return []byte(fmt.Sprintf("empty host call answered %q", resp)), nil
		},
	})
	fmt.Println("waPC functions registered")
	select {}
}
