module github.com/wasmexec/wasmexec/go-guests

go 1.21

require github.com/wasmexec/wasmexec/go-guests/wapc v0.0.0

replace github.com/wasmexec/wasmexec/go-guests/wapc => ./wapc
