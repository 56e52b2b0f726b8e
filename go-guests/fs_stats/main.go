// Command fs_stats looks at the objects fs.stat and fs.lstat hand to their callbacks, as a
// program using syscall/js directly sees them: the is* methods answer from the mode, and,
// as Node's Stats methods, live on a prototype every such object shares, not on the object.
package main

import (
	"fmt"
	"os"
	"syscall/js"
)

// stat calls fs.<call>(path) and waits for the stats object its callback gets.
func stat(call, path string) js.Value {
	got := make(chan []js.Value, 1)
	// The callback only hands its arguments over: printing there would wait for fs.write's
	// own callback, which cannot come while this one runs.
	cb := js.FuncOf(func(this js.Value, args []js.Value) any {
		got <- args
		return nil
	})
	defer cb.Release()
	js.Global().Get("fs").Call(call, path, cb)
	args := <-got
	if !args[0].IsNull() && !args[0].IsUndefined() {
		fmt.Println(call, "error:", args[0].Get("code").String())
		os.Exit(1)
	}
	return args[1]
}

func main() {
	dir := os.Getenv("FSROOT")
	if err := os.WriteFile(dir+"/file", []byte("data"), 0o600); err != nil {
		fmt.Println("write:", err)
	}
	if err := os.Symlink("file", dir+"/link"); err != nil {
		fmt.Println("symlink:", err)
	}
	methods := []string{"isDirectory", "isFile", "isSymbolicLink", "isFIFO", "isSocket",
		"isCharacterDevice", "isBlockDevice"}
	object := js.Global().Get("Object")
	reflect := js.Global().Get("Reflect")
	var protos []js.Value
	for _, c := range []struct{ call, path string }{
		{"stat", dir}, {"stat", dir + "/file"}, {"lstat", dir + "/link"}, {"stat", dir + "/link"},
	} {
		st := stat(c.call, c.path)
		fmt.Printf("%s %s:", c.call, c.path[len(dir):])
		for _, m := range methods {
			fmt.Printf(" %s=%v", m, st.Call(m).Bool())
		}
		fmt.Println()
		own := false
		keys := object.Call("keys", st)
		for i := 0; i < keys.Length(); i++ {
			own = own || keys.Index(i).String() == "isFile"
		}
		fmt.Println("  isFile is an own enumerable key:", own,
			"| reachable:", reflect.Call("has", st, "isFile").Bool(),
			"| own property:", object.Get("prototype").Get("hasOwnProperty").Call("call", st, "isFile").Bool())
		protos = append(protos, object.Call("getPrototypeOf", st))
	}
	fmt.Println("one prototype for all:", protos[0].Equal(protos[1]) && protos[1].Equal(protos[2]))
	// Node's own keys, in Node's order, and its Dates: the *Ms times rounded to whole
	// milliseconds.
	st0 := stat("stat", dir+"/file")
	fmt.Println("own keys:", object.Call("keys", st0).Call("join", ",").String())
	date, math := js.Global().Get("Date"), js.Global().Get("Math")
	for _, k := range []string{"atime", "mtime", "ctime", "birthtime"} {
		d := st0.Get(k)
		fmt.Printf("  %s is a Date: %v, of Math.round(%sMs): %v\n", k, d.InstanceOf(date), k,
			d.Call("getTime").Float() == math.Call("round", st0.Get(k+"Ms")).Float())
	}
	// The methods read the mode of the object they are called on.
	st := stat("stat", dir+"/file")
	st.Set("mode", 0o40755)
	fmt.Println("file stats with a directory's mode, isDirectory:", st.Call("isDirectory").Bool())
	// ... through the prototype chain too, and not of undefined.
	derived := object.Call("create", stat("stat", dir+"/file"))
	fmt.Println("an object inheriting a file's stats, isFile:", derived.Call("isFile").Bool())
	fmt.Println("isFile of undefined:", thrown(func() { protos[0].Get("isFile").Call("call") }))
}

// thrown runs f and gives the name of the JS error it throws.
func thrown(f func()) (name string) {
	defer func() {
		if err, ok := recover().(js.Error); ok {
			name = err.Get("name").String()
		}
	}()
	f()
	return "nothing thrown"
}
