// Command fs_sandbox probes the edges of its mounts: for each path argument it tries to read,
// write and list, and prints the outcome. runtime/tests/fs.rs runs it with a read-write mount
// at /work, a read-only one at /ro and nothing else, and checks on the host that no escape
// succeeded. (The fixture fs_mounts compares the same behaviour with Node.)
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}

func main() {
	wd, err := os.Getwd()
	fmt.Printf("cwd %s %s\n", wd, outcome(err))
	for _, path := range os.Args[1:] {
		_, err := os.ReadFile(path)
		fmt.Printf("read %s: %s\n", path, outcome(err))
		err = os.WriteFile(path+".new", []byte("x"), 0o644)
		fmt.Printf("write %s.new: %s\n", path, outcome(err))
		_, err = os.ReadDir(path)
		fmt.Printf("list %s: %s\n", path, outcome(err))
	}
	fmt.Printf("mkdir /ro/dir: %s\n", outcome(os.Mkdir("/ro/dir", 0o755)))
	fmt.Printf("remove /ro/file: %s\n", outcome(os.Remove("/ro/file")))
	fmt.Printf("chdir /nowhere: %s\n", outcome(os.Chdir("/nowhere")))
	fmt.Printf("chdir /work: %s\n", outcome(os.Chdir("/work")))
	fmt.Printf("read relative file: %s\n", outcome(func() error { _, err := os.ReadFile("file"); return err }()))
	fmt.Printf("read ../ro/file: %s\n", outcome(func() error { _, err := os.ReadFile("../ro/file"); return err }()))
}
