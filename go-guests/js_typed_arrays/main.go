// Command js_typed_arrays moves bytes between Go and JavaScript typed arrays
// with CopyBytesToJS/CopyBytesToGo (including short destinations) and reads
// and writes elements of other typed array kinds.
package main

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"
)

func ctor(name string) js.Value { return js.Global().Get(name) }

// elems lists the elements of an array-like value, printing integral
// values without an exponent.
func elems(a js.Value) []string {
	out := make([]string, a.Length())
	for i := range out {
		f := a.Index(i).Float()
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			out[i] = strconv.FormatInt(int64(f), 10)
		} else {
			out[i] = strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	return out
}

func main() {
	u8 := ctor("Uint8Array")

	// Go -> JS, same length.
	dst := u8.New(5)
	n := js.CopyBytesToJS(dst, []byte("hello"))
	fmt.Println("CopyBytesToJS equal length: n =", n, "elements", elems(dst))

	// Go -> JS, destination shorter than source: copies only what fits.
	short := u8.New(3)
	n = js.CopyBytesToJS(short, []byte("abcdef"))
	fmt.Println("CopyBytesToJS short destination: n =", n, "elements", elems(short))

	// Go -> JS, source shorter than destination: the rest is untouched.
	long := u8.New(6)
	long.Call("fill", 9)
	n = js.CopyBytesToJS(long, []byte{1, 2})
	fmt.Println("CopyBytesToJS short source: n =", n, "elements", elems(long))

	// JS -> Go, all three length relations.
	src := u8.New(4)
	for i := 0; i < 4; i++ {
		src.SetIndex(i, 250+i)
	}
	b4 := make([]byte, 4)
	fmt.Println("CopyBytesToGo equal:", js.CopyBytesToGo(b4, src), b4)
	b2 := make([]byte, 2)
	fmt.Println("CopyBytesToGo short destination:", js.CopyBytesToGo(b2, src), b2)
	b8 := []byte{7, 7, 7, 7, 7, 7, 7, 7}
	fmt.Println("CopyBytesToGo long destination:", js.CopyBytesToGo(b8, src), b8)
	fmt.Println("CopyBytesToGo empty destination:", js.CopyBytesToGo(nil, src))
	fmt.Println("CopyBytesToJS empty source:", js.CopyBytesToJS(u8.New(0), nil))

	// A large copy in both directions.
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	jsBig := u8.New(len(big))
	js.CopyBytesToJS(jsBig, big)
	back := make([]byte, len(big))
	js.CopyBytesToGo(back, jsBig)
	same := true
	for i := range big {
		if big[i] != back[i] {
			same = false
			break
		}
	}
	fmt.Printf("1 MiB round trip: length=%d byteLength=%d identical=%t element 1000=%d\n",
		jsBig.Length(), jsBig.Get("byteLength").Int(), same, jsBig.Index(1000).Int())

	// Uint8ClampedArray is accepted by both copy functions and clamps on set.
	clamped := ctor("Uint8ClampedArray").New(6)
	js.CopyBytesToJS(clamped, []byte{1, 2, 3})
	clamped.SetIndex(3, 300)
	clamped.SetIndex(4, -5)
	clamped.SetIndex(5, 2.5)
	cb := make([]byte, 6)
	js.CopyBytesToGo(cb, clamped)
	fmt.Println("Uint8ClampedArray:", cb)

	// Conversions when storing into the other element types.
	conv := func(name string, vals ...any) {
		a := ctor(name).New(len(vals))
		for i, v := range vals {
			a.SetIndex(i, v)
		}
		fmt.Printf("%-13s byteLength=%-3d elements %v\n", name, a.Get("byteLength").Int(), elems(a))
	}
	conv("Uint8Array", 255, 256, -1, 3.9)
	conv("Int8Array", 127, 128, -129, 200)
	conv("Int16Array", 32767, 32768, -32769)
	conv("Uint16Array", 65535, 70000, -1)
	conv("Int32Array", 2147483647, 2147483648, -2147483649)
	conv("Uint32Array", 4294967295, -1, 4294967296)
	conv("Float32Array", 0.1, 16777217, 1e40)
	conv("Float64Array", 0.1, -0.5, 1e300)

	// subarray shares memory with its parent; slice copies.
	base := u8.New(8)
	for i := 0; i < 8; i++ {
		base.SetIndex(i, i)
	}
	sub := base.Call("subarray", 2, 5)
	sub.SetIndex(0, 99)
	fmt.Println("subarray(2,5):", elems(sub), "parent after write:", elems(base))
	sl := base.Call("slice", 2, 5)
	sl.SetIndex(0, 11)
	fmt.Println("slice(2,5):", elems(sl), "parent unchanged:", elems(base))
	subBytes := make([]byte, 10)
	n = js.CopyBytesToGo(subBytes, sub)
	fmt.Println("CopyBytesToGo from subarray:", n, subBytes[:n])
	js.CopyBytesToJS(sub, []byte{200, 201, 202, 203})
	fmt.Println("CopyBytesToJS into subarray, parent:", elems(base))
	fill := ctor("Int32Array").New(4)
	fill.Call("fill", -7)
	fmt.Println("Int32Array fill(-7):", elems(fill))
	tail := base.Call("subarray", 6)
	fmt.Println("subarray(6):", elems(tail), "negative subarray(-3,-1):", elems(base.Call("subarray", -3, -1)))

	// Out-of-range index reads are undefined.
	fmt.Println("index past end is undefined:", base.Index(8).IsUndefined())

	// Copy functions reject other typed arrays.
	tryCopy := func(label string, f func()) {
		defer func() { fmt.Printf("%s panics: %v\n", label, recover()) }()
		f()
	}
	tryCopy("CopyBytesToGo from Int8Array", func() { js.CopyBytesToGo(make([]byte, 2), ctor("Int8Array").New(2)) })
	tryCopy("CopyBytesToJS into Float64Array", func() { js.CopyBytesToJS(ctor("Float64Array").New(2), []byte{1}) })
	tryCopy("CopyBytesToJS into plain array", func() { js.CopyBytesToJS(js.Global().Get("Array").New(2), []byte{1}) })
}
