//go:build js && wasm

package wapc

import (
	"errors"
	"fmt"
	"sync"
	"syscall/js"
)

var (
	registryMu sync.Mutex
	registry   = Functions{}
)

// guestCallFunc is kept for the life of the program; it is never released.
var guestCallFunc js.Func

func init() {
	guestCallFunc = js.FuncOf(guestCall)
	js.Global().Set("__guest_call", guestCallFunc)
}

// RegisterFunctions makes every operation in fns callable by the host. An
// operation that was registered before is replaced, and one mapped to a nil
// Function is removed. RegisterFunctions may be called any number of times.
//
// RegisterFunctions returns at once; the caller decides how to keep the
// program alive (usually with select {} at the end of main), since the guest
// can only answer calls while it has not exited.
//
// Each invocation runs its Function in a new goroutine. A Function that
// panics crashes the program like any other unrecovered panic.
func RegisterFunctions(fns Functions) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for name, fn := range fns {
		if fn == nil {
			delete(registry, name)
			continue
		}
		registry[name] = fn
	}
}

// HostCall asks the host to run operation in namespace through binding,
// passing payload, and waits for the answer. When the host reports an error,
// HostCall returns it as an error value whose message is the host's text.
func HostCall(binding, namespace, operation string, payload []byte) ([]byte, error) {
	result := host().Call("__host_call",
		bytesToJS([]byte(binding)),
		bytesToJS([]byte(namespace)),
		bytesToJS([]byte(operation)),
		bytesToJS(payload))

	var response []byte
	if v := result.Index(0); !isNullish(v) {
		response = bytesFromJS(v)
	}
	if v := result.Index(1); !isNullish(v) {
		return response, errors.New(v.String())
	}
	return response, nil
}

// guestCall is the body of the global __guest_call function.
func guestCall(_ js.Value, args []js.Value) any {
	if len(args) != 2 || args[0].Type() != js.TypeString || !isUint8Array(args[1]) {
		return false
	}
	operation := args[0].String()

	registryMu.Lock()
	fn, ok := registry[operation]
	registryMu.Unlock()
	if !ok {
		// Say why, as the seed project's guest package does, then refuse.
		host().Call("__guest_error", bytesToJS([]byte(fmt.Sprintf("unknown operation %q", operation))))
		return false
	}

	// Copy the payload now: the host may reuse its buffer once we return.
	payload := bytesFromJS(args[1])

	go func() {
		response, err := fn(payload)
		if err != nil {
			host().Call("__guest_error", bytesToJS([]byte(err.Error())))
			return
		}
		host().Call("__guest_response", bytesToJS(response))
	}()
	return true
}

// host returns the host's wapc object. It is looked up on every use so that a
// host may install it after the guest has started.
func host() js.Value {
	return js.Global().Get("wapc")
}

func isNullish(v js.Value) bool {
	return v.IsNull() || v.IsUndefined()
}

func isUint8Array(v js.Value) bool {
	return v.Type() == js.TypeObject && v.InstanceOf(js.Global().Get("Uint8Array"))
}

// bytesFromJS copies the contents of a Uint8Array into a new Go slice.
func bytesFromJS(v js.Value) []byte {
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b
}

// bytesToJS copies b into a new Uint8Array.
func bytesToJS(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}
