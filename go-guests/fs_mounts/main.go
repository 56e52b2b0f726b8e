// Command fs_mounts checks the file-system view made of mounts: a read-write mount at /data
// with another one nested at /data/nested, a read-only mount at /ro, a separate mount at
// /other; the working directory; `..` across mount boundaries; every write refused on the
// read-only mount; renames and links between mounts; and attempts to reach $OUTSIDE, a host
// directory that is not mounted (by absolute path, by `..`, by symlinks).
package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"
)

var outside = os.Getenv("OUTSIDE")

// show prints an error (or <nil>) without the run-specific host path of $OUTSIDE.
func show(label string, err error) {
	msg := "<nil>"
	if err != nil {
		msg = err.Error()
		if outside != "" {
			msg = strings.ReplaceAll(msg, outside, "$OUTSIDE")
		}
		var errno syscall.Errno
		if errors.As(err, &errno) {
			msg += fmt.Sprintf(" [errno %d]", int(errno))
		}
	}
	fmt.Printf("%-34s %s\n", label+":", msg)
}

func read(label, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		show(label, err)
		return
	}
	fmt.Printf("%-34s %q\n", label+":", b)
}

func list(label, path string) {
	entries, err := os.ReadDir(path)
	if err != nil {
		show(label, err)
		return
	}
	var names []string
	for _, e := range entries {
		kind := "file"
		if e.IsDir() {
			kind = "dir"
		} else if e.Type()&os.ModeSymlink != 0 {
			kind = "link"
		}
		names = append(names, e.Name()+"("+kind+")")
	}
	sort.Strings(names)
	fmt.Printf("%-34s %s\n", label+":", strings.Join(names, " "))
}

func cwd(label string) {
	wd, err := os.Getwd()
	if err != nil {
		show(label, err)
		return
	}
	fmt.Printf("%-34s %s\n", label+":", wd)
}

func main() {
	if outside == "" {
		fmt.Println("OUTSIDE is not set")
		os.Exit(1)
	}

	fmt.Println("== working directory")
	cwd("initial cwd")
	read("relative read", "hello.txt")
	list("list .", ".")
	show("chdir sub", os.Chdir("sub"))
	cwd("cwd after chdir sub")
	read("read ../hello.txt", "../hello.txt")
	show("chdir into nested mount", os.Chdir("../nested"))
	cwd("cwd in nested mount")
	read("read ../hello.txt from nested", "../hello.txt")
	show("chdir to read-only mount", os.Chdir("/ro"))
	cwd("cwd in read-only mount")
	read("relative read in ro", "readme.txt")
	show("chdir to missing dir", os.Chdir("/data/missing"))
	show("chdir to a file", os.Chdir("/data/hello.txt"))
	cwd("cwd after failed chdirs")
	show("chdir back to /data", os.Chdir("/data"))

	fmt.Println("== nested and several mounts")
	list("list /data", "/data")
	list("list /data/nested", "/data/nested")
	show("write in nested", os.WriteFile("/data/nested/new.txt", []byte("nested write\n"), 0o644))
	read("read nested write", "/data/nested/new.txt")
	read("nested/.. is /data", "/data/nested/../hello.txt")
	read(".. from /data to /ro", "/data/../ro/readme.txt")
	read(".. twice from nested to /ro", "/data/nested/../../ro/readme.txt")
	read("above the root stays at root", "/../../../data/hello.txt")
	list("list /ro", "/ro")
	list("list /other", "/other")
	show("remove a mount point", syscall.Rmdir("/data/nested"))
	show("rename a mount point", os.Rename("/data/nested", "/data/moved"))

	fmt.Println("== above the mounts")
	st0, err := os.Stat("/")
	show("stat /", err)
	if err == nil {
		fmt.Printf("%-34s dir=%v\n", "stat / result:", st0.IsDir())
	}
	list("list /srv (holds two mounts)", "/srv")
	st0, err = os.Stat("/srv")
	show("stat /srv", err)
	if err == nil {
		fmt.Printf("%-34s dir=%v\n", "stat /srv result:", st0.IsDir())
	}
	read("/srv/a/../b/b.txt", "/srv/a/../b/b.txt")
	read("/srv/../data/hello.txt", "/srv/../data/hello.txt")
	show("chdir /srv", os.Chdir("/srv"))
	cwd("cwd /srv")
	read("relative a/a.txt", "a/a.txt")
	show("chdir ..", os.Chdir(".."))
	cwd("cwd after ..")
	read("relative data/hello.txt", "data/hello.txt")
	_, err = os.Stat("/missing")
	show("stat /missing", err)
	show("create /newfile", os.WriteFile("/newfile", []byte("x"), 0o644))
	show("mkdir /newdir", os.Mkdir("/newdir", 0o755))
	show("mkdir /srv/c", os.Mkdir("/srv/c", 0o755))
	show("rmdir /srv/a", syscall.Rmdir("/srv/a"))
	show("rename /srv/a", os.Rename("/srv/a", "/srv/z"))
	show("symlink in /srv", os.Symlink("a", "/srv/link"))
	show("chdir back to /data", os.Chdir("/data"))

	fmt.Println("== between mounts")
	show("rename /data -> /other", os.Rename("/data/hello.txt", "/other/hello.txt"))
	show("rename /data -> nested", os.Rename("/data/hello.txt", "/data/nested/hello.txt"))
	show("link /data -> /other", os.Link("/data/hello.txt", "/other/hello.txt"))
	show("rename /ro -> /data", os.Rename("/ro/readme.txt", "/data/readme.txt"))
	show("symlink to another mount", os.Symlink("/ro/readme.txt", "/data/to-ro"))
	read("read through it", "/data/to-ro")
	show("relative symlink to other mount", os.Symlink("../other", "/data/to-other"))
	show("write through it", os.WriteFile("/data/to-other/via-link.txt", []byte("via link\n"), 0o644))
	list("list /other again", "/other")

	fmt.Println("== read-only mount: reads work")
	read("read", "/ro/readme.txt")
	read("read in subdirectory", "/ro/dir/inner.txt")
	st, err := os.Stat("/ro/readme.txt")
	show("stat", err)
	if err == nil {
		fmt.Printf("%-34s size=%d mode=%v\n", "stat result:", st.Size(), st.Mode())
	}
	_, err = os.Lstat("/ro/dir")
	show("lstat dir", err)
	f, err := os.Open("/ro/readme.txt")
	show("open read-only", err)

	fmt.Println("== read-only mount: writes are refused")
	show("create file", os.WriteFile("/ro/new.txt", []byte("x"), 0o644))
	_, err = os.OpenFile("/ro/readme.txt", os.O_WRONLY, 0)
	show("open existing for writing", err)
	_, err = os.OpenFile("/ro/readme.txt", os.O_RDWR, 0)
	show("open existing read-write", err)
	_, err = os.OpenFile("/ro/readme.txt", os.O_WRONLY|os.O_APPEND, 0)
	show("open existing for append", err)
	_, err = os.OpenFile("/ro/readme.txt", os.O_WRONLY|os.O_TRUNC, 0)
	show("open existing with truncate", err)
	_, err = os.OpenFile("/ro/new.txt", os.O_RDONLY|os.O_CREATE, 0o644)
	show("open missing read-only + create", err)
	_, err = os.OpenFile("/ro/readme.txt", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	show("create exclusive over existing", err)
	_, err = os.OpenFile("/ro/missing/x", os.O_RDWR|os.O_CREATE, 0o644)
	show("create in missing dir", err)
	show("mkdir", os.Mkdir("/ro/newdir", 0o755))
	show("mkdir existing", os.Mkdir("/ro/dir", 0o755))
	show("rmdir", syscall.Rmdir("/ro/dir"))
	show("rmdir missing", syscall.Rmdir("/ro/missing"))
	show("unlink", syscall.Unlink("/ro/readme.txt"))
	show("unlink missing", syscall.Unlink("/ro/missing"))
	show("rename within", os.Rename("/ro/readme.txt", "/ro/renamed.txt"))
	show("rename missing within", os.Rename("/ro/missing", "/ro/renamed.txt"))
	show("chmod", os.Chmod("/ro/readme.txt", 0o600))
	show("chmod missing", os.Chmod("/ro/missing", 0o600))
	show("chown unchanged", os.Chown("/ro/readme.txt", -1, -1))
	show("lchown unchanged", os.Lchown("/ro/readme.txt", -1, -1))
	when := time.Unix(1_000_000_000, 0)
	show("chtimes", os.Chtimes("/ro/readme.txt", when, when))
	show("truncate", os.Truncate("/ro/readme.txt", 0))
	show("truncate missing", os.Truncate("/ro/missing", 0))
	show("symlink", os.Symlink("readme.txt", "/ro/link"))
	show("link", os.Link("/ro/readme.txt", "/ro/hard"))
	if f != nil {
		show("fchmod", f.Chmod(0o600))
		show("fchown unchanged", f.Chown(-1, -1))
		show("ftruncate", f.Truncate(0))
		show("fsync", f.Sync())
		_, err = f.Write([]byte("x"))
		show("write to read-only fd", err)
		show("close", f.Close())
	}
	read("content unchanged", "/ro/readme.txt")
	list("list /ro unchanged", "/ro")

	fmt.Println("== escapes are refused")
	read("absolute path outside", outside+"/secret.txt")
	read(".. from a mount to outside", "/data/../.."+outside+"/secret.txt")
	show("absolute symlink out", os.Symlink(outside+"/secret.txt", "/data/abs-out"))
	read("read through it", "/data/abs-out")
	show("write through it", os.WriteFile("/data/abs-out", []byte("x"), 0o644))
	show("relative symlink out", os.Symlink("../../../../../../../.."+outside+"/secret.txt", "/data/rel-out"))
	read("read through it", "/data/rel-out")
	show("dir symlink out", os.Symlink(outside, "/data/dir-out"))
	list("list through it", "/data/dir-out")
	read("read below it", "/data/dir-out/secret.txt")
	show("chdir through it", os.Chdir("/data/dir-out"))
	cwd("cwd unchanged")
	show("chmod through it", os.Chmod("/data/dir-out/secret.txt", 0o600))
	show("rename into it", os.Rename("/data/nested/new.txt", "/data/dir-out/stolen.txt"))
	show("symlink loop", os.Symlink("loop", "/data/loop"))
	read("read the loop", "/data/loop")
	show("chdir outside", os.Chdir(outside))
	read("missing top-level path", "/etc/passwd")
	read("outside still unreachable", outside+"/secret.txt")
}
