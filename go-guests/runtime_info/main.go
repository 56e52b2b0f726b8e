// Command runtime_info prints facts about the Go runtime on js/wasm that do
// not depend on the Go release or the host.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

func main() {
	fmt.Println("GOOS:", runtime.GOOS)
	fmt.Println("GOARCH:", runtime.GOARCH)
	fmt.Println("NumCPU:", runtime.NumCPU())
	fmt.Println("GOMAXPROCS:", runtime.GOMAXPROCS(0))
	// The absolute goroutine count depends on whether the runtime has
	// already waited for a JS event (it then keeps a helper goroutine), so
	// only differences are printed.
	before := runtime.NumGoroutine()
	fmt.Println("at least one goroutine:", before >= 1)

	done := make(chan struct{})
	block := make(chan struct{})
	for i := 0; i < 3; i++ {
		go func() {
			done <- struct{}{}
			<-block
		}()
	}
	for i := 0; i < 3; i++ {
		<-done
	}
	fmt.Println("3 blocked workers add 3 goroutines:", runtime.NumGoroutine()-before == 3)
	close(block)

	info, ok := debug.ReadBuildInfo()
	fmt.Println("build info available:", ok)
	if ok {
		fmt.Println("main module path:", info.Main.Path)
		fmt.Println("package path:", info.Path)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("heap in use is positive:", ms.HeapInuse > 0)
}
