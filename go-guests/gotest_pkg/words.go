// Package gotest_pkg is a small package whose test reads its testdata, for checking that
// `GOOS=js GOARCH=wasm go test -exec "wasmexec --go-test"` runs tests as Go's Node runner
// does (the package directory as working directory, the host's files visible).
package gotest_pkg

import "strings"

// Words splits text into its whitespace-separated words.
func Words(text string) []string {
	return strings.Fields(text)
}
