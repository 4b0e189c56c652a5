package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// row is one line of the table.
type row struct {
	num, measure, value, baseline, ratio, target, met string
}

// table is the Markdown table and the notes printed under it.
type table struct {
	rows  []row
	notes []string
}

func (t *table) add(r row) { t.rows = append(t.rows, r) }

func (t *table) note(format string, a ...any) { t.notes = append(t.notes, fmt.Sprintf(format, a...)) }

// write renders the table as Markdown.
func (t *table) write(b *strings.Builder) {
	b.WriteString("| # | measure | codearts-runner | baseline | ratio | target | met |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range t.rows {
		cells := []string{r.num, r.measure, r.value, r.baseline, r.ratio, r.target, r.met}
		for i, c := range cells {
			if c == "" {
				cells[i] = "—"
			}
			cells[i] = strings.ReplaceAll(cells[i], "|", `\|`)
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
}

// mark is ✅ when ok, else ❌.
func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

// stats are the median and the spread of repeated measurements.
type stats struct {
	median, min, max float64
	n                int
}

// statsOf summarises xs (the median of an even count is the mean of the middle two).
func statsOf(xs []float64) stats {
	if len(xs) == 0 {
		return stats{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{median: m, min: s[0], max: s[len(s)-1], n: len(s)}
}

// format renders the median and, with more than one measurement, the spread.
func (s stats) format(f func(float64) string) string {
	if s.n <= 1 || s.min == s.max {
		return f(s.median)
	}
	return fmt.Sprintf("%s [%s–%s]", f(s.median), f(s.min), f(s.max))
}

// ratio renders a/b as "0.31×" ("n/a" when b is not positive).
func ratio(a, b float64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2g×", a/b)
}

// seconds formats service seconds with a precision that suits the size.
func seconds(v float64) string {
	switch a := max(v, -v); {
	case a >= 100:
		return fmt.Sprintf("%.0f s", v)
	case a >= 10:
		return fmt.Sprintf("%.1f s", v)
	default:
		return fmt.Sprintf("%.2f s", v)
	}
}

// millis formats a duration in milliseconds.
func millis(d float64) string {
	switch a := max(d, -d); {
	case a >= 100:
		return fmt.Sprintf("%.0f ms", d)
	case a >= 10:
		return fmt.Sprintf("%.1f ms", d)
	default:
		return fmt.Sprintf("%.2f ms", d)
	}
}

// megabytes formats bytes in MB (10⁶ bytes, as buildah prints image sizes).
func megabytes(n float64) string { return fmt.Sprintf("%.1f MB", n/1e6) }

// host describes the machine for the header line.
type host struct {
	date, goVersion, nproc, cpu string
}

// describeHost reads the date (`date -u`), `go version`, `nproc` and the CPU model.
func describeHost() host {
	h := host{
		date:      time.Now().UTC().Format(time.UnixDate),
		goVersion: "go version " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		nproc:     fmt.Sprint(runtime.NumCPU()),
		cpu:       "unknown",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "date", "-u").Output(); err == nil {
		h.date = strings.TrimSpace(string(out))
	}
	if out, err := exec.CommandContext(ctx, "go", "version").Output(); err == nil {
		h.goVersion = strings.TrimSpace(string(out))
	}
	if out, err := exec.CommandContext(ctx, "nproc").Output(); err == nil {
		h.nproc = strings.TrimSpace(string(out))
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				h.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return h
}

// thousands formats n with a comma every three digits (10,000).
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
