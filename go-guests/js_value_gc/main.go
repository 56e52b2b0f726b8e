// Command js_value_gc creates and drops large numbers of JavaScript values
// so that Go's garbage collector finalizes their references and the host
// reuses reference ids, then checks that the values still alive are intact.
package main

import (
	"fmt"
	"runtime"
	"strconv"
	"syscall/js"
)

func main() {
	object := js.Global().Get("Object")

	// Values that stay alive for the whole run.
	kept := make([]js.Value, 100)
	for i := range kept {
		o := object.New()
		o.Set("id", i)
		o.Set("label", "kept-"+strconv.Itoa(i))
		kept[i] = o
	}
	keptStrings := make([]js.Value, 100)
	for i := range keptStrings {
		keptStrings[i] = js.ValueOf("kept string " + strconv.Itoa(i))
	}

	// Waves of short-lived objects and strings.
	for wave := 0; wave < 5; wave++ {
		sum := 0
		for i := 0; i < 20000; i++ {
			o := object.New()
			o.Set("n", i)
			s := js.ValueOf("temporary " + strconv.Itoa(i))
			sum += o.Get("n").Int() + len(s.String())
		}
		runtime.GC()
		runtime.GC()
		fmt.Printf("wave %d: checksum %d\n", wave+1, sum)
	}

	// The kept values are unchanged.
	ok := true
	for i, o := range kept {
		if o.Get("id").Int() != i || o.Get("label").String() != "kept-"+strconv.Itoa(i) {
			ok = false
		}
	}
	for i, s := range keptStrings {
		if s.String() != "kept string "+strconv.Itoa(i) {
			ok = false
		}
	}
	fmt.Println("kept objects and strings intact:", ok)

	// The same JS object obtained many times is always Equal, even after
	// the earlier references were collected.
	holder := object.New()
	holder.Set("target", object.New())
	first := holder.Get("target")
	for i := 0; i < 10000; i++ {
		holder.Get("target")
	}
	runtime.GC()
	fmt.Println("re-read object still Equal:", holder.Get("target").Equal(first))

	// Functions made with FuncOf and released in bulk.
	for i := 0; i < 5000; i++ {
		f := js.FuncOf(func(this js.Value, args []js.Value) any { return nil })
		f.Release()
	}
	runtime.GC()
	fmt.Println("5000 functions released")
	runtime.KeepAlive(kept)
	runtime.KeepAlive(keptStrings)
}
