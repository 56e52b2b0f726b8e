// Command cache_poke tries to reach wasmexec's compiled-module cache, whose directory is its
// argument, through a mount that covers it: list it, read its key, plant an entry, move it or
// the directory above it away. It prints one line per attempt; every attempt must fail.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func try(what string, err error) {
	if err == nil {
		fmt.Println(what+":", "succeeded")
		return
	}
	fmt.Println(what+":", err)
}

func main() {
	dir := os.Args[1]
	modules := filepath.Join(dir, "modules")
	_, err := os.ReadDir(modules)
	try("list", err)
	_, err = os.ReadFile(filepath.Join(modules, "key"))
	try("read key", err)
	err = os.WriteFile(filepath.Join(modules, "planted.bin"), []byte("code"), 0o600)
	try("plant entry", err)
	err = os.Rename(modules, modules+".moved")
	try("move modules", err)
	err = os.Rename(dir, dir+".moved")
	try("move cache", err)
	err = os.RemoveAll(dir)
	try("remove cache", err)
	err = os.Symlink("/tmp", filepath.Join(modules, "link"))
	try("symlink", err)
}
