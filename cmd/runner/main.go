// Command runner is the CodeArts CI gate: it runs PerfTest tasks and TestPlan work, evaluates
// gates and writes JUnit. See the README for settings and exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/codearts-runner/codearts-runner/pkg/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.Env{
		Args:    os.Args[1:],
		Environ: os.Environ(),
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Version: version,
		// A second signal kills the process: stop catching after the first.
		StopSignals: stop,
	})
	stop()
	os.Exit(code)
}
