// Command funcof_host_args publishes a function that prints a description
// of every argument the host passes to it, so that host steps can send each
// kind of value.
package main

import (
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"syscall/js"
)

var (
	uint8Array = js.Global().Get("Uint8Array")
	arrayCtor  = js.Global().Get("Array")
	objectCtor = js.Global().Get("Object")
)

func formatNumber(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	if math.Signbit(f) && f == 0 {
		s += " (negative zero)"
	}
	return s
}

// describe renders v deterministically: object keys are sorted because the
// order in which the host creates them is not part of the contract.
func describe(v js.Value) string {
	switch v.Type() {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeNull:
		return "null"
	case js.TypeBoolean:
		return "bool " + strconv.FormatBool(v.Bool())
	case js.TypeNumber:
		return "number " + formatNumber(v.Float())
	case js.TypeString:
		return "string " + strconv.Quote(v.String())
	case js.TypeFunction:
		return "function"
	case js.TypeObject:
		if v.InstanceOf(uint8Array) {
			b := make([]byte, v.Length())
			js.CopyBytesToGo(b, v)
			return fmt.Sprintf("Uint8Array(%d) hex=%s text=%q", len(b), hex.EncodeToString(b), string(b))
		}
		if arrayCtor.Call("isArray", v).Bool() {
			parts := make([]string, v.Length())
			for i := range parts {
				parts[i] = describe(v.Index(i))
			}
			return "array[" + strings.Join(parts, ", ") + "]"
		}
		keysVal := objectCtor.Call("keys", v)
		keys := make([]string, keysVal.Length())
		for i := range keys {
			keys[i] = keysVal.Index(i).String()
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + ": " + describe(v.Get(k))
		}
		return "object{" + strings.Join(parts, ", ") + "}"
	}
	return "symbol"
}

func main() {
	calls := 0
	js.Global().Set("show", js.FuncOf(func(this js.Value, args []js.Value) any {
		calls++
		fmt.Printf("call %d: %d argument(s)\n", calls, len(args))
		for i, a := range args {
			fmt.Printf("  [%d] %s\n", i, describe(a))
		}
		return len(args)
	}))
	fmt.Println("show published")
	select {}
}
