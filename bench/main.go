// Command bench measures codearts-runner and prints one Markdown table, all measured in one
// run (`make bench`, or `go run ./bench -runner bin/runner` from the repository root):
//
//  1. completion-detection latency and API calls of `runner perftest` (the real binary, AK/SK,
//     against the simulator on a scaled clock) next to a fixed 5 s poller (poller.go), for runs of
//     1, 5, 15 and 30 simulated minutes;
//  2. the big report: decode + gates + JUnit + summary + result JSON of a 100-case × 500-request
//     report with the 100-point curves the runner requests (and, for information, 10,000-point
//     curves), in a child process (time and peak RSS);
//  3. start-up: `runner version` against `node -e 0`;
//  4. the size of the stripped binary;
//  5. the size of the container image codearts-runner:dev (when buildah and the image exist).
//
// Every figure is printed next to its target with ✅ or ❌. Progress goes to stderr, the table
// to stdout (and to -out when given).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/bigreport"
)

// config holds the command line.
type config struct {
	runner   string        // path of the runner binary under test
	scale    float64       // simulated seconds per real second
	rounds   int           // repetitions of every latency trial
	bigRuns  int           // repetitions of the big-report child
	startups int           // runs of each start-up command
	image    string        // image whose size is reported
	out      string        // also write the table here
	only     string        // comma-separated subset of sections: latency,bigreport,startup,size,image
	timeout  time.Duration // bound on the whole bench
	verbose  bool          // print every runner invocation's output on stderr
}

func main() {
	var cfg config
	child := flag.String("child", "", "internal: run a child measurement (bigreport)")
	reportPath := flag.String("report", "", "internal: the generated report of -child bigreport")
	outDir := flag.String("dir", "", "internal: output directory of -child bigreport")
	cases := flag.Int("cases", bigreport.Cases, "internal: cases of -child bigreport")
	points := flag.Int("points", bigreport.Points, "internal: curve points per series of -child genreport")
	cpuProfile := flag.String("cpuprofile", "", "-child only: write a CPU profile of the child here")
	memProfile := flag.String("memprofile", "", "-child only: write a heap (allocation) profile of the child here")
	flag.StringVar(&cfg.runner, "runner", "bin/runner", "the runner binary to measure (built by make build)")
	flag.Float64Var(&cfg.scale, "scale", 60, "simulator clock: simulated seconds per real second (CODEARTS_SIM_SCALE)")
	flag.IntVar(&cfg.rounds, "n", 3, "repetitions of every detection-latency trial (median and spread are printed)")
	flag.IntVar(&cfg.bigRuns, "big-n", 3, "repetitions of the big-report child")
	flag.IntVar(&cfg.startups, "startup-n", 20, "runs of each start-up command")
	flag.StringVar(&cfg.image, "image", "codearts-runner:dev", "container image whose size is reported")
	flag.StringVar(&cfg.out, "out", "", "also write the Markdown table to this file")
	flag.StringVar(&cfg.only, "only", "", "measure only these sections (comma separated: latency,bigreport,startup,size,image,trend,multi)")
	flag.DurationVar(&cfg.timeout, "timeout", 6*time.Minute, "give up after this long")
	flag.BoolVar(&cfg.verbose, "v", false, "print the output of every runner invocation on stderr")
	flag.Parse()

	if *child != "" {
		if err := profiled(*cpuProfile, *memProfile, func() error { return runChild(*child, *reportPath, *outDir, *cases, *points) }); err != nil {
			fmt.Fprintf(os.Stderr, "bench child %s: %v\n", *child, err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// logf prints a progress line on stderr.
func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
}

// sections are the parts of the table, in order.
var sections = []string{"latency", "bigreport", "startup", "size", "image", "trend", "multi"}

// wants reports whether section is to be measured.
func (c config) wants(section string) bool {
	if c.only == "" {
		return true
	}
	for _, s := range strings.Split(c.only, ",") {
		if strings.TrimSpace(s) == section {
			return true
		}
	}
	return false
}

// run measures every section and prints the table.
func run(ctx context.Context, cfg config, stdout io.Writer) error {
	if cfg.scale < 1 {
		return fmt.Errorf("-scale must be at least 1, got %g", cfg.scale)
	}
	if cfg.rounds < 1 || cfg.bigRuns < 1 || cfg.startups < 1 {
		return fmt.Errorf("-n, -big-n and -startup-n must be at least 1")
	}
	for _, sec := range strings.Split(cfg.only, ",") {
		if sec = strings.TrimSpace(sec); sec != "" && !slices.Contains(sections, sec) {
			return fmt.Errorf("-only: unknown section %q (%s)", sec, strings.Join(sections, ", "))
		}
	}
	if _, err := os.Stat(cfg.runner); err != nil {
		return fmt.Errorf("runner binary: %w (run make build first)", err)
	}
	began := time.Now()
	t := &table{}
	env := describeHost()
	if cfg.wants("latency") {
		lat, err := measureLatency(ctx, cfg)
		if err != nil {
			return fmt.Errorf("detection latency: %w", err)
		}
		lat.rows(t, cfg)
	}
	if cfg.wants("bigreport") {
		big, err := measureBigReport(ctx, cfg)
		if err != nil {
			return fmt.Errorf("big report: %w", err)
		}
		big.rows(t)
	}
	if cfg.wants("startup") {
		st, err := measureStartup(ctx, cfg)
		if err != nil {
			return fmt.Errorf("start-up: %w", err)
		}
		st.rows(t)
	}
	if cfg.wants("size") {
		sz, err := measureBinary(cfg.runner)
		if err != nil {
			return fmt.Errorf("binary size: %w", err)
		}
		sz.rows(t)
	}
	if cfg.wants("image") {
		imageRow(ctx, t, cfg.image)
	}
	if cfg.wants("trend") {
		tr, err := measureTrend(ctx, cfg)
		if err != nil {
			return fmt.Errorf("trend: %w", err)
		}
		tr.rows(t)
	}
	if cfg.wants("multi") {
		if err := multiRows(ctx, cfg, t); err != nil {
			return fmt.Errorf("several tasks: %w", err)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**codearts-runner bench** — %s · %s · nproc %s · CPU %s\n\n", env.date, env.goVersion, env.nproc, env.cpu)
	fmt.Fprintf(&b, "Simulator clock ×%g (1 simulated minute = %.2g real s); rows 1: median [min–max] of %d trials (checked poller: %d), "+
		"latency in service seconds (polling on the service's clock, the rest in real time: see the notes); bench took %s.\n\n",
		cfg.scale, 60/cfg.scale, cfg.rounds, cfg.rounds*checkedPerRound, time.Since(began).Round(time.Second))
	t.write(&b)
	if len(t.notes) > 0 {
		b.WriteString("\n")
		for _, n := range t.notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return err
	}
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// profiled runs f, writing a CPU profile and a heap profile when the paths are set.
func profiled(cpu, mem string, f func() error) error {
	if cpu != "" {
		out, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if err := f(); err != nil {
		return err
	}
	if mem != "" {
		out, err := os.Create(mem)
		if err != nil {
			return err
		}
		defer out.Close()
		return pprof.Lookup("allocs").WriteTo(out, 0)
	}
	return nil
}
