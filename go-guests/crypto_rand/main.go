// Command crypto_rand reads random bytes from crypto/rand and from the JS
// crypto.getRandomValues, printing only lengths and sanity checks.
package main

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"syscall/js"
)

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

func main() {
	buf := make([]byte, 32)
	n, err := rand.Read(buf)
	fmt.Printf("crypto/rand.Read: n=%d err=%v all zero=%t\n", n, err, allZero(buf))

	// Two reads should differ (probability of equality is 2^-256).
	other := make([]byte, 32)
	rand.Read(other)
	fmt.Println("two reads differ:", string(buf) != string(other))

	// A large read, bigger than the 65536-byte limit of getRandomValues.
	large := make([]byte, 100000)
	n, err = rand.Read(large)
	fmt.Printf("large read: n=%d err=%v tail all zero=%t\n", n, err, allZero(large[99000:]))

	// rand.Int stays within its bound.
	ok := true
	limit := big.NewInt(1000)
	for i := 0; i < 100; i++ {
		v, err := rand.Int(rand.Reader, limit)
		if err != nil || v.Sign() < 0 || v.Cmp(limit) >= 0 {
			ok = false
		}
	}
	fmt.Println("100 rand.Int values within [0,1000):", ok)

	// The JS side: crypto.getRandomValues fills a Uint8Array in place and
	// returns the same array.
	arr := js.Global().Get("Uint8Array").New(16)
	res := js.Global().Get("crypto").Call("getRandomValues", arr)
	got := make([]byte, 16)
	js.CopyBytesToGo(got, arr)
	fmt.Printf("getRandomValues: length=%d returns same array=%t all zero=%t\n", arr.Length(), res.Equal(arr), allZero(got))
}
