// Command js_objects builds JavaScript objects from Go: Object new, Set, Get,
// Delete, Object.keys (including its ordering rules), nested objects and
// shared references.
package main

import (
	"fmt"
	"syscall/js"
)

var object = js.Global().Get("Object")

func keys(o js.Value) []string {
	k := object.Call("keys", o)
	out := make([]string, k.Length())
	for i := range out {
		out[i] = k.Index(i).String()
	}
	return out
}

func main() {
	o := object.New()
	fmt.Println("new object keys:", keys(o))

	o.Set("name", "widget")
	o.Set("count", 3)
	o.Set("price", 9.5)
	o.Set("enabled", true)
	o.Set("nothing", nil)
	o.Set("undef", js.Undefined())
	fmt.Println("keys in insertion order:", keys(o))
	fmt.Printf("name=%q count=%d price=%v enabled=%t nothing null=%t undef undefined=%t\n",
		o.Get("name").String(), o.Get("count").Int(), o.Get("price").Float(), o.Get("enabled").Bool(),
		o.Get("nothing").IsNull(), o.Get("undef").IsUndefined())
	fmt.Println("missing property is undefined:", o.Get("missing").IsUndefined())

	// Overwriting keeps the key's position; Delete removes it.
	o.Set("name", "gadget")
	o.Delete("count")
	o.Delete("never-existed")
	fmt.Println("after overwrite and delete:", keys(o), o.Get("name").String())

	// Integer-like keys come first in ascending order, then the other
	// string keys in insertion order.
	ord := object.New()
	for _, k := range []string{"b", "10", "a", "2", "-1", "1.5", "01", "0"} {
		ord.Set(k, k)
	}
	fmt.Println("key order:", keys(ord))

	// Unusual property names.
	odd := object.New()
	odd.Set("", "empty key")
	odd.Set("with space", 1)
	odd.Set("ünï😀", 2)
	fmt.Printf("unusual keys: %q -> %q\n", keys(odd), odd.Get("").String())

	// Nested objects and shared references.
	inner := object.New()
	inner.Set("level", 2)
	outer := object.New()
	outer.Set("inner", inner)
	outer.Set("alias", inner)
	outer.Get("inner").Set("touched", "yes")
	fmt.Printf("nested: level=%d alias sees change=%q same object=%t\n",
		outer.Get("inner").Get("level").Int(), outer.Get("alias").Get("touched").String(),
		outer.Get("inner").Equal(outer.Get("alias")))

	deep := object.New()
	cur := deep
	for i := 0; i < 5; i++ {
		next := object.New()
		next.Set("depth", i+1)
		cur.Set("child", next)
		cur = next
	}
	walk := deep
	depth := 0
	for !walk.Get("child").IsUndefined() {
		walk = walk.Get("child")
		depth = walk.Get("depth").Int()
	}
	fmt.Println("deepest depth:", depth)

	// Objects stored on the global object are visible through js.Global().
	js.Global().Set("sharedThing", outer)
	fmt.Println("global round trip is same object:", js.Global().Get("sharedThing").Equal(outer))
	js.Global().Delete("sharedThing")
	fmt.Println("global deleted:", js.Global().Get("sharedThing").IsUndefined())

	// Object.keys of an array lists its indices.
	arr := js.ValueOf([]any{"x", "y", "z"})
	fmt.Println("Object.keys of array:", keys(arr))

	// Length of an object without a length property reads as 0.
	fmt.Println("Length of plain object:", object.New().Length())
	withLen := object.New()
	withLen.Set("length", 7)
	fmt.Println("Length of object with length=7:", withLen.Length())
}
