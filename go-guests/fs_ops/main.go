// Command fs_ops exercises every file-system operation Go's syscall package sends to the host
// fs object, and the error codes it maps back, inside the directory $FSROOT (empty at start).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

var root = os.Getenv("FSROOT")

// show prints an error without the run-specific root directory.
func show(label string, err error) {
	msg := "<nil>"
	if err != nil {
		msg = strings.ReplaceAll(err.Error(), root, "$FSROOT")
		var errno syscall.Errno
		if errors.As(err, &errno) {
			msg += fmt.Sprintf(" [errno %d]", int(errno))
		}
	}
	fmt.Printf("%-28s %s\n", label+":", msg)
}

func p(name string) string { return filepath.Join(root, name) }

func main() {
	if root == "" {
		fmt.Println("FSROOT is not set")
		os.Exit(1)
	}
	// Files: create, write, append, read, positional I/O.
	show("write new file", os.WriteFile(p("a.txt"), []byte("hello\n"), 0o644))
	f, err := os.OpenFile(p("a.txt"), os.O_APPEND|os.O_WRONLY, 0)
	show("open for append", err)
	_, err = f.WriteString("world\n")
	show("append", err)
	show("close", f.Close())
	b, err := os.ReadFile(p("a.txt"))
	show("read back", err)
	fmt.Printf("content: %q\n", b)
	f, _ = os.OpenFile(p("a.txt"), os.O_RDWR, 0)
	_, err = f.WriteAt([]byte("J"), 0)
	show("write at 0", err)
	buf := make([]byte, 5)
	n, err := f.ReadAt(buf, 6)
	show("read at 6", err)
	fmt.Printf("read at 6: %q\n", buf[:n])
	off, err := f.Seek(-3, io.SeekEnd)
	show("seek from end", err)
	rest, _ := io.ReadAll(f)
	fmt.Printf("seek offset %d, rest %q\n", off, rest)
	st, err := f.Stat()
	show("fstat", err)
	fmt.Printf("fstat: size=%d mode=%v dir=%v\n", st.Size(), st.Mode(), st.IsDir())
	show("fsync", f.Sync())
	show("ftruncate", f.Truncate(3))
	show("fchmod", f.Chmod(0o600))
	f.Close()
	st, _ = os.Stat(p("a.txt"))
	fmt.Printf("after truncate/chmod: size=%d mode=%v\n", st.Size(), st.Mode())
	show("truncate by path", os.Truncate(p("a.txt"), 1))
	show("chmod", os.Chmod(p("a.txt"), 0o640))
	st, _ = os.Stat(p("a.txt"))
	fmt.Printf("after truncate/chmod by path: size=%d mode=%v\n", st.Size(), st.Mode())
	mt := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	show("chtimes", os.Chtimes(p("a.txt"), mt, mt))
	st, _ = os.Stat(p("a.txt"))
	fmt.Printf("mtime: %s\n", st.ModTime().UTC().Format(time.RFC3339))
	show("chown to self", os.Chown(p("a.txt"), os.Getuid(), os.Getgid()))

	// Directories.
	show("mkdir", os.Mkdir(p("d"), 0o755))
	show("mkdir all", os.MkdirAll(p("d/e/f"), 0o755))
	for _, name := range []string{"d/z", "d/b", "d/a", "d/c"} {
		os.WriteFile(p(name), nil, 0o644)
	}
	entries, err := os.ReadDir(p("d"))
	show("readdir", err)
	var names []string
	for _, e := range entries {
		names = append(names, fmt.Sprintf("%s(dir=%v)", e.Name(), e.IsDir()))
	}
	fmt.Println("entries:", strings.Join(names, " "))
	dir, _ := os.Open(p("d"))
	raw, err := dir.Readdirnames(-1)
	show("readdirnames", err)
	sort.Strings(raw)
	fmt.Println("names:", raw)
	dir.Close()
	show("rename", os.Rename(p("d/z"), p("d/e/moved")))
	_, err = os.Stat(p("d/e/moved"))
	show("stat renamed", err)

	// Links.
	show("symlink", os.Symlink("a.txt", p("link")))
	target, err := os.Readlink(p("link"))
	show("readlink", err)
	fmt.Println("link target:", target)
	lst, _ := os.Lstat(p("link"))
	fmt.Printf("lstat is symlink: %v; stat follows: %v\n", lst.Mode()&os.ModeSymlink != 0, func() bool {
		s, err := os.Stat(p("link"))
		return err == nil && s.Mode().IsRegular()
	}())
	show("hard link", os.Link(p("a.txt"), p("hard")))
	hst, _ := os.Stat(p("hard"))
	fmt.Printf("hard link nlink: %d\n", hst.Sys().(*syscall.Stat_t).Nlink)
	show("lchown", os.Lchown(p("link"), os.Getuid(), os.Getgid()))

	// Working directory.
	show("chdir", os.Chdir(p("d")))
	wd, err := os.Getwd()
	show("getwd", err)
	fmt.Println("cwd is d:", wd == p("d"))
	_, err = os.Stat("e/moved")
	show("stat relative to cwd", err)

	// Error codes Go maps from the host's.
	_, err = os.Open(p("missing"))
	show("open missing", err)
	fmt.Println("is not exist:", errors.Is(err, os.ErrNotExist))
	show("mkdir existing", os.Mkdir(p("d"), 0o755))
	_, err = os.OpenFile(p("a.txt"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	show("create exclusive existing", err)
	_, err = os.Stat(p("a.txt/x"))
	show("stat through a file", err)
	_, err = os.OpenFile(p("d"), os.O_WRONLY, 0)
	show("open dir for writing", err)
	show("rmdir non-empty", syscall.Rmdir(p("d/e")))
	show("unlink missing", os.Remove(p("nope")))
	show("remove all", os.RemoveAll(p("d")))
	_, err = os.Stat(p("d"))
	fmt.Println("removed:", errors.Is(err, os.ErrNotExist))
	show("rmdir a file", syscall.Rmdir(p("a.txt")))
	show("readlink of a file", func() error { _, err := os.Readlink(p("a.txt")); return err }())
}
