module github.com/wasmexec/wasmexec/go-guests/wapc

go 1.21
