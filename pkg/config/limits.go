package config

import (
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxGatesBytes bounds the gates the runner reads: the inline gates and the gates file each.
// A file of 50 MB would otherwise cost gigabytes of memory in the parser, and /dev/zero would
// never end.
const MaxGatesBytes = 1 << 20

// NoGates is the value of gates that runs a perftest without gates on purpose: the run is then
// judged only on finishing with requests. Case does not matter.
const NoGates = "none"

// GatesNone reports whether gates says "none": the run has no gates on purpose. Validate
// refuses a "none" combined with other gates or with gates-file.
func (s *Settings) GatesNone() bool {
	for _, e := range gateEntries(s.Gates) {
		if strings.EqualFold(e, NoGates) {
			return true
		}
	}
	return false
}

// gateEntries splits inline gates into their statements without comments, for telling "none"
// apart from real gates (the gates parser reads them).
func gateEntries(text string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ';' }) {
		part, _, _ = strings.Cut(part, "#")
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// checkGates reports inline gates over MaxGatesBytes and a "none" mixed with real gates.
func checkGates(s *Settings, _ Mode, add adder) {
	if len(s.Gates) > MaxGatesBytes {
		add("gates is %d bytes long: at most %d bytes (1 MiB) of gates are read; put the gates in fewer lines", len(s.Gates), MaxGatesBytes)
	}
	if entries := gateEntries(s.Gates); s.GatesNone() && (len(entries) > 1 || s.GatesFile != "") {
		add("gates says %q (a run without gates) next to %s: keep either none or the gates", NoGates, pick(len(entries) > 1, "other gates", "gates-file "+strconv.Quote(s.GatesFile)))
	}
}

// Ranges of the numeric settings.
const (
	minTimeout, maxTimeout               = time.Second, 30 * 24 * time.Hour
	minPollInterval, maxPollInterval     = 10 * time.Millisecond, time.Minute
	minRequestTimeout, maxRequestTimeout = 10 * time.Millisecond, time.Hour
	maxRetries                           = 20
	maxCallsPerMinute                    = 10000
	minSimScale, maxSimScale             = 1, 100000
)

// checkNumbers reports every numeric setting of mode outside its valid range (NaN and the
// infinities included), naming the setting, the value and the range.
func checkNumbers(s *Settings, mode Mode, add adder) {
	uses := func(flag string) bool {
		return slices.ContainsFunc(fields, func(f field) bool { return f.Flag == flag && slices.Contains(f.Modes, mode) })
	}
	for _, d := range []struct {
		flag    string
		v       time.Duration
		lo, hi  time.Duration
		example string
	}{
		{"timeout", s.Timeout, minTimeout, maxTimeout, "30m or 2h"},
		{"poll-interval", s.PollInterval, minPollInterval, maxPollInterval, "1s"},
		{"request-timeout", s.RequestTimeout, minRequestTimeout, maxRequestTimeout, "30s"},
	} {
		if uses(d.flag) && (d.v < d.lo || d.v > d.hi) {
			add("%s %s is out of range: give a duration between %s and %s, e.g. %s", d.flag, d.v, short(d.lo), short(d.hi), d.example)
		}
	}
	for _, n := range []struct {
		flag   string
		v, lo  int64
		hi     int64
		accept string
	}{
		{"retries", int64(s.Retries), 0, maxRetries, "a whole number between 0 and 20"},
		{"max-calls-per-minute", int64(s.CallsPerMinute), 0, maxCallsPerMinute, "a whole number between 1 and 10000, or 0 for no ceiling"},
		{"run-id", s.RunID, 0, math.MaxInt64, "the positive id of a run (unset: start a run)"},
	} {
		if uses(n.flag) && (n.v < n.lo || n.v > n.hi) {
			add("%s %d is not valid: give %s", n.flag, n.v, n.accept)
		}
	}
	// NaN fails every comparison: ask for the valid range, not for the invalid one.
	if x := s.SimScale; uses("sim-scale") && x != 0 && !(x >= minSimScale && x <= maxSimScale) {
		add("sim-scale %v is not valid: give a number between %d and %d simulated seconds per real second (unset or 0: the default)", x, minSimScale, maxSimScale)
	}
	if uses("port") && s.Port != "" {
		if p, err := strconv.Atoi(strings.TrimSpace(s.Port)); err != nil || p < 1 || p > 65535 {
			add("port %q is not valid: give a TCP port between 1 and 65535", s.Port)
		}
	}
	if uses("addr") {
		_, port, err := net.SplitHostPort(s.Addr)
		if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 0 || p > 65535 {
			add("addr %q is not valid: give host:port with a port between 0 and 65535, e.g. 127.0.0.1:8080", s.Addr)
		}
	}
}

// short renders a duration without its zero tail: 720h, 1m, 10ms.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// outputFlags are the settings that name a file the runner writes.
var outputFlags = []string{"junit-file", "result-file", "dotenv-file", "html-report"}

// checkOutputs refuses two outputs of mode written to one file, and an output written over the
// gates file: one would silently replace the other. Outputs that are devices, FIFOs or
// sockets (/dev/null, /dev/stdout) are written in place one after the other and may be shared.
func checkOutputs(s *Settings, mode Mode, add adder) {
	type named struct{ flag, path string }
	var paths []named
	rv := reflect.ValueOf(s).Elem()
	for _, f := range fields {
		if slices.Contains(f.Modes, mode) && (slices.Contains(outputFlags, f.Flag) || f.Flag == "gates-file") {
			if p := strings.TrimSpace(rv.FieldByIndex(f.index).String()); p != "" && p != "none" {
				paths = append(paths, named{f.Flag, p})
			}
		}
	}
	for i, a := range paths {
		for _, b := range paths[i+1:] {
			if !slices.Contains(outputFlags, a.flag) && !slices.Contains(outputFlags, b.flag) {
				continue
			}
			if samePath(a.path, b.path) && !special(a.path) {
				add("%s and %s name the same file %q: one would replace the other; give each output its own path (or none)", a.flag, b.flag, b.path)
			}
		}
	}
}

// samePath reports whether a and b are one file: the same path once made absolute, or one
// existing file reached by two names (a link).
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == bb {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// special reports whether path exists and is not a regular file or a directory: a device, a
// FIFO or a socket, which several outputs may share.
func special(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular() && !fi.IsDir()
}
