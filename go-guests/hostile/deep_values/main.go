// Command deep_values builds a chain of JS objects a million links long (with one JSON.parse,
// or with -loop one Object.New at a time), hands it to operations that recurse through it
// (under Node each throws "Maximum call stack size exceeded"), then drops it: neither the
// operations nor freeing the chain may take the host's native stack one frame per link.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall/js"
	"time"
)

const links = 1000000

func try(what string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println(what+":", r)
		}
	}()
	f()
	fmt.Println(what + ": no error")
}

func main() {
	var head js.Value
	if len(os.Args) > 1 && os.Args[1] == "-loop" {
		object := js.Global().Get("Object")
		head = object.New()
		for i := 0; i < links; i++ {
			next := object.New()
			next.Set("next", head)
			head = next
		}
	} else {
		text := strings.Repeat(`{"next":`, links) + "null" + strings.Repeat("}", links)
		head = js.Global().Get("JSON").Call("parse", text)
	}
	fmt.Println("built a chain of a million objects")
	try("JSON.stringify", func() { js.Global().Get("JSON").Call("stringify", head) })
	try("structuredClone", func() { js.Global().Call("structuredClone", head) })
	try("String", func() { js.Global().Call("String", head) })
	// Drop Go's reference and let the finalizer release it: the host frees the chain.
	head = js.Undefined()
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("dropped it")
}
