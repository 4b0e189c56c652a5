package steps

import (
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// planLength estimates how long a run of task lasts once it is running, from the cases' stage
// plans: a case lasts the sum of its duration stages; parallel cases end with the longest, serial
// ones add up. ok is false when a stage is count-based (its length depends on the service).
func planLength(task *cpts.Task) (time.Duration, bool) {
	var total, longest time.Duration
	counted := 0
	for _, c := range task.Cases {
		var d time.Duration
		for _, s := range c.Stages {
			if s.OperateMode == 1 || s.Time <= 0 {
				return 0, false
			}
			d += time.Duration(s.Time) * time.Second
		}
		if len(c.Stages) == 0 {
			continue
		}
		counted++
		total += d
		longest = max(longest, d)
	}
	if counted == 0 {
		return 0, false
	}
	if task.Parallel {
		return longest, true
	}
	return total, true
}

// nextInterval decides how long to wait before the next read of the task. With an estimate of
// the run's remaining time it sleeps sparsely until just before the predicted end (never longer
// than the progress interval) and polls densely (a quarter of the minimum interval) from there
// on: a run cannot end before its stage plan has elapsed, so earlier reads would only cost
// calls. Without an estimate, or once it has passed by more than ten minimum intervals, it backs
// off from the previous interval up to the maximum.
func (p PollPolicy) nextInterval(remaining time.Duration, known bool, prev time.Duration) time.Duration {
	lo, hi := p.min(), p.max()
	dense := max(lo/4, time.Millisecond)
	if !known {
		return min(max(prev*3/2, lo), hi)
	}
	switch {
	case remaining > 2*dense:
		// Before the end: sleep until one dense interval before it (the estimate comes from
		// report times of one-second resolution), but print progress in time.
		return min(remaining-dense, p.progress())
	case remaining > -lo*10:
		return dense
	default:
		return min(max(prev*3/2, lo), hi)
	}
}

// callBudget enforces a ceiling on API calls per minute during the wait.
type callBudget struct {
	perMinute int
	window    time.Duration
	calls     []time.Time
}

// delay returns how long to wait before the next call may be made at now.
func (b *callBudget) delay(now time.Time) time.Duration {
	if b.perMinute <= 0 {
		return 0
	}
	cut := now.Add(-b.window)
	i := 0
	for i < len(b.calls) && !b.calls[i].After(cut) {
		i++
	}
	b.calls = b.calls[i:]
	if len(b.calls) < b.perMinute {
		return 0
	}
	return b.calls[0].Add(b.window).Sub(now)
}

// room returns how many calls may be made at now (-1: no limit).
func (b *callBudget) room(now time.Time) int {
	if b.perMinute <= 0 {
		return -1
	}
	b.delay(now) // drops the calls that left the window
	return max(b.perMinute-len(b.calls), 0)
}

// spend records n calls made at now.
func (b *callBudget) spend(now time.Time, n int) {
	for range n {
		b.calls = append(b.calls, now)
	}
}
