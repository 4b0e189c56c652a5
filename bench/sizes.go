package main

import (
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// startup holds the start-up times, in seconds.
type startup struct {
	runner, node []float64
	noNode       bool
}

// measureStartup runs `runner version` and `node -e 0` cfg.startups times each (interleaved,
// after one warm-up run of each).
func measureStartup(ctx context.Context, cfg config) (*startup, error) {
	st := &startup{}
	node, err := exec.LookPath("node")
	st.noNode = err != nil
	logf("start-up: %d runs of runner version%s", cfg.startups, map[bool]string{false: " and node -e 0", true: " (node not on PATH)"}[st.noNode])
	timeRun := func(name string, args ...string) (float64, error) {
		cmd := exec.CommandContext(ctx, name, args...)
		begin := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
		}
		return time.Since(begin).Seconds(), nil
	}
	for i := -1; i < cfg.startups; i++ {
		r, err := timeRun(cfg.runner, "version")
		if err != nil {
			return nil, err
		}
		var n float64
		if !st.noNode {
			if n, err = timeRun(node, "-e", "0"); err != nil {
				return nil, err
			}
		}
		if i < 0 {
			continue // warm-up
		}
		st.runner = append(st.runner, r)
		if !st.noNode {
			st.node = append(st.node, n)
		}
	}
	return st, nil
}

// rows adds the start-up row.
func (s *startup) rows(t *table) {
	r := statsOf(s.runner)
	ms := func(v float64) string { return millis(v * 1000) }
	what := fmt.Sprintf("start-up: `runner version` vs `node -e 0`, median of %d", len(s.runner))
	if s.noNode {
		t.add(row{num: "3", measure: what, value: r.format(ms), baseline: "n/a (no node on PATH)", target: "≤ 0.1× node", met: "n/a"})
		return
	}
	n := statsOf(s.node)
	t.add(row{num: "3", measure: what, value: r.format(ms), baseline: "node " + n.format(ms), ratio: ratio(r.median, n.median),
		target: "≤ 0.1× node", met: mark(r.median <= 0.1*n.median)})
}

// binary describes the runner binary.
type binary struct {
	size     int64
	stripped bool
}

// measureBinary reads the size of the binary and whether it has a symbol table.
func measureBinary(path string) (*binary, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	b := &binary{size: fi.Size()}
	if f, err := elf.Open(path); err == nil {
		b.stripped = f.Section(".symtab") == nil
		f.Close()
	}
	return b, nil
}

// rows adds the binary-size row.
func (b *binary) rows(t *table) {
	v := fmt.Sprintf("%s (%.2f MiB)", megabytes(float64(b.size)), float64(b.size)/(1<<20))
	what := "stripped binary `bin/runner` (make build: -s -w -trimpath)"
	if !b.stripped {
		what = "binary `bin/runner` — NOT stripped (has .symtab): build it with make build"
	}
	t.add(row{num: "4", measure: what, value: v, target: "≤ 15 MB", met: mark(b.stripped && b.size <= 15e6)})
}

// imageRow adds the image-size row: buildah's size of image, or n/a without buildah or image.
func imageRow(ctx context.Context, t *table, image string) {
	what := "container image `" + image + "` (buildah, vfs storage)"
	na := row{num: "5", measure: what, value: "n/a (no buildah/image)", target: "≤ 20 MB", met: "n/a"}
	if _, err := exec.LookPath("buildah"); err != nil {
		t.add(na)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "buildah", "--storage-driver", "vfs", "images", "--format", "{{.Size}}", image).Output()
	text := strings.TrimSpace(string(out))
	if err != nil || text == "" {
		t.add(na)
		return
	}
	text = strings.SplitN(text, "\n", 2)[0]
	r := row{num: "5", measure: what, value: text, target: "≤ 20 MB", met: "?"}
	if n, ok := parseSize(text); ok {
		r.met = mark(n <= 20e6)
	}
	t.add(r)
}

// parseSize reads a size as buildah prints it ("11.5 MB", decimal units).
func parseSize(s string) (float64, bool) {
	num, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	mult := map[string]float64{"B": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9}[unit]
	if mult == 0 {
		return 0, false
	}
	return v * mult, true
}
