// Command miniredis serves an in-memory Redis on one address: Argo CD's application controller and
// repo-server need a Redis for their caches, and the Kubernetes tests run them outside the cluster
// on loopback. Usage: miniredis 127.0.0.1:16379
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/alicebob/miniredis/v2"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println("miniredis v2.40.0")
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: miniredis <host:port>")
		os.Exit(2)
	}
	s := miniredis.NewMiniRedis()
	if err := s.StartAddr(os.Args[1]); err != nil {
		fmt.Fprintf(os.Stderr, "miniredis: cannot listen on %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	fmt.Printf("miniredis listening on %s\n", s.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	s.Close()
}
