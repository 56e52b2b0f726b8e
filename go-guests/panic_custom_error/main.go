// Command panic_custom_error panics in a goroutine other than main with a
// value of a custom error type; the runtime reports it through its Error
// method and exits with status 2.
package main

import (
	"errors"
	"fmt"
)

// ValidationError is a custom error type used as the panic value.
type ValidationError struct {
	Field string
	Code  int
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("validation failed on %q (code %d)", e.Field, e.Code)
}

func main() {
	fmt.Println("starting worker")
	done := make(chan struct{})
	go func() {
		defer close(done)
		var base error = &ValidationError{Field: "email", Code: 42}
		wrapped := fmt.Errorf("processing record 7: %w", base)
		var ve *ValidationError
		fmt.Println("errors.As finds the custom error:", errors.As(wrapped, &ve), ve.Code)
		panic(wrapped)
	}()
	<-done
	fmt.Println("not reached")
}
