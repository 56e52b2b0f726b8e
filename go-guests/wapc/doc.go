// Package wapc is the guest side of the waPC-style calling convention that
// wasmexec hosts offer to Go programs compiled with GOOS=js GOARCH=wasm.
//
// The protocol is built on syscall/js rather than on waPC's own wasm imports
// and exports:
//
//   - The host provides a global object named "wapc" with three methods:
//     __guest_response(payload Uint8Array), __guest_error(message Uint8Array)
//     and __host_call(binding, namespace, operation, payload Uint8Array),
//     which returns a two-element array [response Uint8Array|null,
//     error string|null].
//   - The guest publishes a global function __guest_call(operation string,
//     payload Uint8Array) bool. It returns false when the arguments are
//     malformed, and when the operation is unknown, after sending the reason
//     with wapc.__guest_error (as the seed project's package does). Otherwise it
//     returns true and runs the operation's Function in a new goroutine;
//     when that Function returns, the guest answers exactly once with
//     wapc.__guest_response (on success) or wapc.__guest_error (with the
//     UTF-8 text of the error).
//
// Because every operation runs in its own goroutine, a Function may sleep,
// wait on timers or channels, and call back into the host with HostCall.
//
// A guest registers its operations and then keeps main from returning, for
// example with an empty select statement:
//
//	func main() {
//		wapc.RegisterFunctions(wapc.Functions{"echo": echo})
//		select {}
//	}
//
// The package only does something useful when built with GOOS=js
// GOARCH=wasm; its functions are not available on other platforms.
package wapc

// Function handles one guest operation. It receives the payload sent by the
// host and returns either the response payload or an error whose message is
// sent back to the host.
type Function func(payload []byte) ([]byte, error)

// Functions maps operation names to the Functions that handle them.
type Functions map[string]Function
