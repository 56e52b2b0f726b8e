// Command bench is the guest of the benchmarks (runtime/benches/roundtrip.rs and
// scripts/bench.mjs). Its first argument picks what it measures:
//
//	js N     N syscall/js crossings of each kind (a property read, a property write, a
//	         method call, a 1 KiB copy into and out of a Uint8Array), prints ns per op
//	cpu      a CPU-bound loop (SHA-256 over 64 MiB), prints milliseconds
//	exit     returns at once (start-up cost)
//	serve    publishes echo (js.FuncOf) and the waPC operation echo, then waits
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"syscall/js"
	"time"

	"github.com/wasmexec/wasmexec/go-guests/wapc"
)

func main() {
	mode := "serve"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "js":
		n := 100000
		if len(os.Args) > 2 {
			n, _ = strconv.Atoi(os.Args[2])
		}
		math := js.Global().Get("Math")
		start := time.Now()
		for i := 0; i < n; i++ {
			_ = math.Get("PI").Float()
		}
		get := time.Since(start)
		start = time.Now()
		for i := 0; i < n; i++ {
			_ = math.Call("abs", -i).Int()
		}
		call := time.Since(start)
		obj := js.Global().Get("Object").New()
		start = time.Now()
		for i := 0; i < n; i++ {
			obj.Set("x", i)
		}
		set := time.Since(start)
		buf := make([]byte, 1024)
		arr := js.Global().Get("Uint8Array").New(len(buf))
		start = time.Now()
		for i := 0; i < n/2; i++ {
			js.CopyBytesToJS(arr, buf)
			js.CopyBytesToGo(buf, arr)
		}
		cp := time.Since(start)
		per := func(d time.Duration) int64 { return d.Nanoseconds() / int64(n) }
		fmt.Printf("get_ns %d\nset_ns %d\ncall_ns %d\ncopy_ns %d\n", per(get), per(set), per(call), per(cp))
	case "cpu":
		buf := make([]byte, 1<<20)
		for i := range buf {
			buf[i] = byte(i)
		}
		start := time.Now()
		var sum [32]byte
		for i := 0; i < 64; i++ {
			sum = sha256.Sum256(append(buf[:len(buf)-32], sum[:]...))
		}
		fmt.Printf("cpu_ms %d\nsum %x\n", time.Since(start).Milliseconds(), sum[:4])
	case "exit":
	default:
		js.Global().Set("echo", js.FuncOf(func(this js.Value, args []js.Value) any {
			return args[0]
		}))
		wapc.RegisterFunctions(wapc.Functions{
			"echo": func(payload []byte) ([]byte, error) { return payload, nil },
		})
		select {}
	}
}
