// Command wapc_multiple serves several waPC operations that share state,
// invoked one after another by the host.
package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func main() {
	store := map[string]string{}
	count := 0
	wapc.RegisterFunctions(wapc.Functions{
		"set": func(payload []byte) ([]byte, error) {
			k, v, ok := strings.Cut(string(payload), "=")
			if !ok {
				return nil, fmt.Errorf("expected key=value, got %q", payload)
			}
			store[k] = v
			count++
			return []byte("stored " + k), nil
		},
		"get": func(payload []byte) ([]byte, error) {
			v, ok := store[string(payload)]
			if !ok {
				return nil, fmt.Errorf("no key %q", payload)
			}
			return []byte(v), nil
		},
		"keys": func(payload []byte) ([]byte, error) {
			keys := make([]string, 0, len(store))
			for k := range store {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return []byte(strings.Join(keys, ",")), nil
		},
		"count": func(payload []byte) ([]byte, error) {
			return []byte(strconv.Itoa(count)), nil
		},
		"reverse": func(payload []byte) ([]byte, error) {
			r := []rune(string(payload))
			for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
				r[i], r[j] = r[j], r[i]
			}
			return []byte(string(r)), nil
		},
	})
	// A second registration adds an operation without removing the others.
	wapc.RegisterFunctions(wapc.Functions{
		"len": func(payload []byte) ([]byte, error) {
			return []byte(strconv.Itoa(len(payload))), nil
		},
	})
	fmt.Println("waPC functions registered")
	select {}
}
