// Command net_client makes HTTP requests with net/http, which under
// GOOS=js uses the host's fetch when it has one. Its arguments are
// requests, made in order: "get URL" or "post URL BODY". For each it prints
// the status, the final URL, a few headers and the body, or the error (and
// then exits 1).
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

func main() {
	args := os.Args[1:]
	for len(args) >= 2 {
		var resp *http.Response
		var err error
		switch args[0] {
		case "get":
			fmt.Printf("GET %s\n", args[1])
			resp, err = http.Get(args[1])
			args = args[2:]
		case "post":
			if len(args) < 3 {
				fmt.Println("usage: post URL BODY")
				os.Exit(2)
			}
			fmt.Printf("POST %s\n", args[1])
			resp, err = http.Post(args[1], "text/plain", strings.NewReader(args[2]))
			args = args[3:]
		default:
			fmt.Printf("unknown request %q\n", args[0])
			os.Exit(2)
		}
		if err != nil {
			fmt.Printf("error: %v\n", err)
			os.Exit(1)
		}
		show(resp)
	}
}

func show(resp *http.Response) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	fmt.Printf("status: %s\n", resp.Status)
	fmt.Printf("url: %s\n", resp.Request.URL)
	for _, h := range []string{"Content-Type", "X-Test", "X-Seen-Method", "X-Seen-Content-Type"} {
		if v := resp.Header.Get(h); v != "" {
			fmt.Printf("header %s: %s\n", h, v)
		}
	}
	if err != nil {
		fmt.Printf("body error: %v\n", err)
		return
	}
	fmt.Printf("body: %q\n", body)
}
