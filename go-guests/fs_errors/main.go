// Command fs_errors provokes the error codes Go maps back from the host's fs (EACCES, EPERM,
// EBADF, EISDIR, ENOTDIR, EINVAL, ENAMETOOLONG, ELOOP, EEXIST, ENOTEMPTY) as an unprivileged
// user in a read-write mount at /data, through os and directly through syscall.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

func show(label string, err error) {
	msg := "<nil>"
	if err != nil {
		msg = err.Error()
		var errno syscall.Errno
		if errors.As(err, &errno) {
			msg += fmt.Sprintf(" [errno %d]", int(errno))
		}
	}
	fmt.Printf("%-36s %s\n", label+":", msg)
}

func main() {
	must := func(err error) {
		if err != nil {
			fmt.Println("setup failed:", err)
			os.Exit(1)
		}
	}
	must(os.WriteFile("/data/file", []byte("content\n"), 0o644))
	must(os.Mkdir("/data/dir", 0o755))
	must(os.WriteFile("/data/dir/inner", []byte("inner\n"), 0o644))

	fmt.Println("== EACCES: permission bits apply")
	must(os.Chmod("/data/file", 0))
	_, err := os.ReadFile("/data/file")
	show("read mode 000 file", err)
	_, err = os.OpenFile("/data/file", os.O_WRONLY, 0)
	show("write mode 000 file", err)
	must(os.Chmod("/data/file", 0o444))
	_, err = os.OpenFile("/data/file", os.O_RDWR, 0)
	show("open read-only file read-write", err)
	show("truncate read-only file", os.Truncate("/data/file", 0))
	must(os.Chmod("/data/file", 0o644))
	must(os.Chmod("/data/dir", 0o555))
	show("create in mode 555 dir", os.WriteFile("/data/dir/new", nil, 0o644))
	show("mkdir in mode 555 dir", os.Mkdir("/data/dir/sub", 0o755))
	show("unlink in mode 555 dir", syscall.Unlink("/data/dir/inner"))
	show("rename out of mode 555 dir", os.Rename("/data/dir/inner", "/data/moved"))
	show("symlink in mode 555 dir", os.Symlink("x", "/data/dir/link"))
	must(os.Chmod("/data/dir", 0o311))
	_, err = os.ReadDir("/data/dir")
	show("list mode 311 dir", err)
	_, err = os.ReadFile("/data/dir/inner")
	show("read in mode 311 dir", err)
	must(os.Chmod("/data/dir", 0o644))
	_, err = os.Stat("/data/dir/inner")
	show("stat in mode 644 dir", err)
	show("chdir into mode 644 dir", os.Chdir("/data/dir"))
	must(os.Chmod("/data/dir", 0o755))

	fmt.Println("== EPERM")
	show("hard link to a directory", os.Link("/data/dir", "/data/dirlink"))
	show("chmod own mount root", os.Chmod("/data", 0o755))
	when := time.Unix(1_000_000_000, 0)
	show("chtimes own file", os.Chtimes("/data/file", when, when))
	show("chown own file unchanged", os.Chown("/data/file", -1, -1))

	fmt.Println("== EBADF")
	fd, err := syscall.Open("/data/file", syscall.O_RDONLY, 0)
	show("open", err)
	_, err = syscall.Write(fd, []byte("x"))
	show("write to read-only fd", err)
	show("close", syscall.Close(fd))
	buf := make([]byte, 4)
	_, err = syscall.Read(fd, buf)
	show("read closed fd", err)
	var st syscall.Stat_t
	show("fstat closed fd", syscall.Fstat(fd, &st))
	show("fsync closed fd", syscall.Fsync(fd))
	show("fchmod closed fd", syscall.Fchmod(fd, 0o600))
	show("ftruncate closed fd", syscall.Ftruncate(fd, 0))
	show("close closed fd", syscall.Close(fd))
	_, err = syscall.Pread(9999, buf, 0)
	show("pread unknown fd", err)
	f, err := os.Open("/data/file")
	show("os.Open", err)
	_, err = f.Write([]byte("x"))
	show("os write to read-only file", err)
	show("os close", f.Close())
	_, err = f.Read(buf)
	show("os read closed file", err)

	fmt.Println("== other codes")
	_, err = os.OpenFile("/data/dir", os.O_WRONLY, 0)
	show("open dir for writing", err)
	show("unlink a directory", syscall.Unlink("/data/dir"))
	show("rmdir a file", syscall.Rmdir("/data/file"))
	show("rmdir non-empty dir", syscall.Rmdir("/data/dir"))
	_, err = os.ReadFile("/data/file/below")
	show("path through a file", err)
	show("mkdir existing", os.Mkdir("/data/dir", 0o755))
	show("rename dir into itself", os.Rename("/data/dir", "/data/dir/sub"))
	show("rename dir over file", os.Rename("/data/dir", "/data/file"))
	show("rename file over dir", os.Rename("/data/file", "/data/dir"))
	_, err = os.ReadFile("/data/" + strings.Repeat("n", 300))
	show("name too long", err)
	show("symlink loop", os.Symlink("loop", "/data/loop"))
	_, err = os.ReadFile("/data/loop")
	show("read loop", err)
	_, err = os.Readlink("/data/file")
	show("readlink of a file", err)
	show("rmdir .", syscall.Rmdir("/data/dir/."))
	show("rmdir ./", syscall.Rmdir("/data/dir/./"))
	show("rename dir/.", os.Rename("/data/dir/.", "/data/moved"))
	show("rename dir/./", os.Rename("/data/dir/./", "/data/moved"))
	show("rename dir/..", os.Rename("/data/dir/..", "/data/moved"))
	show("rename dir/ (trailing slash)", os.Rename("/data/dir/", "/data/moved"))
	list := func(label string) {
		entries, err := os.ReadDir("/data")
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		fmt.Printf("%-36s %v %v\n", label+":", names, err)
	}
	list("list /data")
}
