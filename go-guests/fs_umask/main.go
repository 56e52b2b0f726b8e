// Command fs_umask checks that process.umask (syscall.Umask) is the mask files and directories
// the guest creates get, as the kernel applies it under Node: not to set-id or sticky bits,
// not to chmod, not to files that exist already, and a mask looser than the host's own
// (umask 0) gives every asked-for bit. Everything happens inside $FSROOT (empty at start).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

var root = os.Getenv("FSROOT")

func p(name string) string { return filepath.Join(root, name) }

func mode(label, name string) {
	st, err := os.Lstat(p(name))
	if err != nil {
		fmt.Printf("%-34s %v\n", label+":", err)
		return
	}
	fmt.Printf("%-34s %v\n", label+":", st.Mode())
}

func check(err error) {
	if err != nil {
		fmt.Println("error:", err)
	}
}

func main() {
	if root == "" {
		fmt.Println("FSROOT is not set")
		os.Exit(1)
	}
	// The starting mask is the host's: set one before looking, and never print it.
	syscall.Umask(0o077)
	fmt.Printf("umask(0o027) returned %#o\n", syscall.Umask(0o027))
	fmt.Printf("umask(0o077) returned %#o\n", syscall.Umask(0o077))

	check(os.Mkdir(p("d755"), 0o755))
	mode("mkdir 0755 under 077", "d755")
	check(os.Mkdir(p("sticky"), os.ModeSticky|0o755))
	mode("mkdir sticky|0755 under 077", "sticky")
	check(os.WriteFile(p("f666"), nil, 0o666))
	mode("create 0666 under 077", "f666")
	f, err := os.OpenFile(p("excl"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	check(err)
	check(f.Close())
	mode("create excl 0755 under 077", "excl")
	check(os.Chmod(p("f666"), 0o644))
	mode("chmod 0644 under 077", "f666")

	fmt.Printf("umask(0) returned %#o\n", syscall.Umask(0))
	check(os.WriteFile(p("open0"), nil, 0o666))
	mode("create 0666 under 0", "open0")
	check(os.Mkdir(p("d777"), 0o777))
	mode("mkdir 0777 under 0", "d777")
	check(os.Mkdir(p("d333"), 0o333))
	mode("mkdir 0333 under 0", "d333")
	check(os.Mkdir(p("d1777"), os.ModeSticky|0o777))
	mode("mkdir sticky|0777 under 0", "d1777")
	// O_CREAT on a file that exists leaves its mode alone.
	f, err = os.OpenFile(p("excl"), os.O_CREATE|os.O_WRONLY, 0o777)
	check(err)
	check(f.Close())
	mode("reopen with O_CREAT 0777 under 0", "excl")

	fmt.Printf("umask(0o002) returned %#o\n", syscall.Umask(0o002))
	check(os.WriteFile(p("g"), nil, 0o777))
	mode("create 0777 under 002", "g")
	check(os.Symlink("g", p("link")))
	mode("symlink under 002", "link")
	fmt.Printf("umask(0o7777) returned %#o\n", syscall.Umask(0o7777))
	fmt.Printf("umask(0o022) returned %#o\n", syscall.Umask(0o022))
}
