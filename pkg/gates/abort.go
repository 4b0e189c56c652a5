package gates

import (
	"fmt"
	"time"
)

// CheckAbort returns the first abort gate lost on the live report of a run
// that has been going for elapsed, or nil. It is meant to be called on every
// poll; the caller stops the run when it returns a result.
//
// Only gates with Abort, severity fail, no baseline (the parser rejects
// abort on warn: and baseline gates; CheckAbort ignores such gates built by
// hand) and AbortAfter <= elapsed are considered. A gate is lost when its
// live value fails it; a gate whose scope or metric is not (yet) in the live
// report is not lost, and the no-data rule does not apply to a live run.
// Monotonic metrics (counts, maxima, duration: MetricInfo.Monotonic) only
// grow during a run, so a failing `>`, `>=` or `!=` gate on them can still
// be won and is not lost, and `==` is lost only once the value is above the
// limit; `<` and `<=` are lost as soon as they fail.
func CheckAbort(gates []Gate, live Run, elapsed time.Duration) *Evaluation {
	e := &evaluator{cur: &runView{run: live}}
	for _, g := range gates {
		if !g.Abort || g.Baseline != nil || g.Severity != SeverityFail || elapsed < g.AbortAfter {
			continue
		}
		r := e.eval(g)
		if r.Verdict != Fail || !r.Measured || !lost(g, r.Value, r.Limit) {
			continue
		}
		r.Message += fmt.Sprintf("; aborting the run after %s", formatDuration(elapsed.Round(time.Second)))
		if g.AbortAfter > 0 {
			r.Message += fmt.Sprintf(" (abort after %s)", formatDuration(g.AbortAfter))
		}
		return &r
	}
	return nil
}

// lost reports whether a failing live value can no longer recover.
func lost(g Gate, v, limit float64) bool {
	info, ok := Lookup(g.Metric)
	if !ok || !info.Monotonic {
		return true
	}
	switch g.Op {
	case OpLT, OpLE:
		return true
	case OpEQ:
		return v > limit
	}
	return false
}
