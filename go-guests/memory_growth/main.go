// Command memory_growth makes the wasm linear memory grow well past its
// initial size, keeps using it, and moves bytes to and from JavaScript
// after each growth step, so the host must follow the memory as it grows.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"syscall/js"
)

func fillPattern(b []byte, seed byte) {
	for i := range b {
		b[i] = byte(i*31) ^ seed
	}
}

func main() {
	uint8Array := js.Global().Get("Uint8Array")
	const chunk = 8 << 20 // 8 MiB
	var keep [][]byte
	for step := 0; step < 12; step++ {
		b := make([]byte, chunk)
		fillPattern(b, byte(step))
		keep = append(keep, b)

		// Copy a slice of the newest chunk out to JS and back after the
		// allocation that may have grown the memory.
		window := b[chunk-4096:]
		a := uint8Array.New(len(window))
		js.CopyBytesToJS(a, window)
		back := make([]byte, len(window))
		js.CopyBytesToGo(back, a)
		same := string(back) == string(window)
		sum := sha256.Sum256(b)
		fmt.Printf("step %2d: %3d MiB held, window round trip ok=%t, sha256=%s\n",
			step+1, (step+1)*chunk>>20, same, hex.EncodeToString(sum[:8]))
	}

	// Verify that every chunk kept its content.
	intact := true
	for i, b := range keep {
		want := make([]byte, 64)
		fillPattern(want, byte(i))
		if string(b[:64]) != string(want) {
			intact = false
		}
	}
	fmt.Println("all chunks intact:", intact)

	// Release the memory, collect, and allocate again.
	keep = nil
	runtime.GC()
	big := make([]byte, 64<<20)
	big[len(big)-1] = 7
	fmt.Println("64 MiB allocation after GC, last byte:", big[len(big)-1])

	// A string allocated after growth is readable by JS.
	s := string(make([]byte, 1<<20))
	v := js.ValueOf(s)
	fmt.Println("1 MiB string through JS, same length:", len(v.String()) == len(s))
}
