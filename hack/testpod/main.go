// Command testpod is the one program inside the images the real-cluster tests build (no image comes
// from the internet): the sandbox ("pause") process, a tiny HTTP server and an HTTP(S) client.
//
//	testpod pause                 stay alive until SIGTERM or SIGINT (the pod sandbox)
//	testpod serve ADDR TEXT       print what "id" prints, then answer every HTTP request on ADDR
//	                              with TEXT, or with the content of FILE for TEXT "@FILE" (read
//	                              at each request; an absent file answers 404)
//	testpod get URL [CAFILE TOKENFILE]
//	                              GET URL (trusting CAFILE, sending TOKENFILE as bearer token when
//	                              given) and print the body; exit 1 on an error or a non-2xx status
//	testpod id                    print uid, gid and whether the root file system is writable
//	testpod cat FILE              print FILE
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: testpod pause|serve ADDR TEXT|get URL [CAFILE TOKENFILE]|id")
	}
	switch os.Args[1] {
	case "pause":
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
		<-c
	case "serve":
		need(4)
		text := os.Args[3]
		id()
		fmt.Println("serving on", os.Args[2])
		err := http.ListenAndServe(os.Args[2], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if file, ok := strings.CutPrefix(text, "@"); ok {
				content, err := os.ReadFile(file)
				if err != nil {
					http.Error(w, err.Error(), http.StatusNotFound)
					return
				}
				w.Write(content)
				return
			}
			fmt.Fprintln(w, text)
		}))
		fail(err.Error())
	case "get":
		need(3)
		get()
	case "id":
		id()
	case "cat":
		need(3)
		content, err := os.ReadFile(os.Args[2])
		check(err)
		os.Stdout.Write(content)
	default:
		fail("unknown command " + os.Args[1])
	}
}

func id() {
	writable := "writable"
	if f, err := os.Create("/testpod-probe"); err != nil {
		writable = "read-only"
	} else {
		f.Close()
		os.Remove("/testpod-probe")
	}
	fmt.Printf("uid=%d gid=%d rootfs=%s\n", os.Getuid(), os.Getgid(), writable)
}

func get() {
	client := &http.Client{Timeout: 10 * time.Second}
	req, err := http.NewRequest("GET", os.Args[2], nil)
	check(err)
	if len(os.Args) >= 5 {
		pem, err := os.ReadFile(os.Args[3])
		check(err)
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			fail("no certificate in " + os.Args[3])
		}
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
		token, err := os.ReadFile(os.Args[4])
		check(err)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	}
	resp, err := client.Do(req)
	check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	check(err)
	fmt.Printf("status %d\n%s\n", resp.StatusCode, body)
	if resp.StatusCode/100 != 2 {
		os.Exit(1)
	}
}

func need(n int) {
	if len(os.Args) < n {
		fail("missing arguments for " + os.Args[1])
	}
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "testpod:", msg)
	os.Exit(1)
}
