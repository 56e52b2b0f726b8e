// Command args_env prints its arguments (after argv[0]) and environment,
// including the difference between an unset and an empty variable.
package main

import (
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
)

func main() {
	// Only the base name of argv[0] is printed, never its directory.
	fmt.Printf("argv[0] base: %q\n", path.Base(strings.ReplaceAll(os.Args[0], "\\", "/")))
	fmt.Printf("argument count after argv[0]: %d\n", len(os.Args)-1)
	for i, a := range os.Args[1:] {
		fmt.Printf("arg %d: %q (%d bytes)\n", i+1, a, len(a))
	}

	for _, name := range []string{"GREETING", "EMPTY", "WITH_EQUALS", "UNICODE", "NOT_SET"} {
		v, ok := os.LookupEnv(name)
		fmt.Printf("env %s: set=%t value=%q\n", name, ok, v)
	}
	fmt.Printf("os.Getenv of an unset variable: %q\n", os.Getenv("NOT_SET"))

	env := os.Environ()
	sort.Strings(env)
	fmt.Printf("environment has %d entries:\n", len(env))
	for _, kv := range env {
		fmt.Printf("  %q\n", kv)
	}

	os.Setenv("ADDED_AT_RUNTIME", "yes")
	fmt.Printf("after Setenv: %q\n", os.Getenv("ADDED_AT_RUNTIME"))
	os.Unsetenv("GREETING")
	_, ok := os.LookupEnv("GREETING")
	fmt.Printf("after Unsetenv GREETING set=%t\n", ok)
}
