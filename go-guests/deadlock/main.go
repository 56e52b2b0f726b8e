// Command deadlock blocks main on a channel that nothing will ever send to.
// With no goroutine or timer left to wake it, the runtime reports
// "fatal error: all goroutines are asleep - deadlock!" and exits with status 2.
package main

import "fmt"

func main() {
	fmt.Println("waiting forever")
	ch := make(chan int)
	v := <-ch
	fmt.Println("not reached", v)
}
