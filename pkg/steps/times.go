package steps

import (
	"context"
	"time"
)

// serviceTimes takes an attached run's start, end and length from the service's run history:
// this invocation did not see the run start, so its own clock would report the moment of
// attaching as the start (issue 13). When the history does not have the run, the times stay
// those of the attach and the log says so.
func (p *PerfTest) serviceTimes(ctx context.Context, o *Outcome) {
	hist, err := p.CPTS.History(ctx, o.TaskID)
	if err != nil {
		p.logf("run %d: its start and end could not be read from the run history (%v); the times shown are those of this attach", o.RunID, err)
		return
	}
	for _, h := range hist {
		if int64(h.RunID) != o.RunID {
			continue
		}
		start, okStart := serviceTime(h.StartTime)
		end, okEnd := serviceTime(h.EndTime)
		length, okLength := h.ContinueTime.Get()
		switch {
		case okStart && okEnd && !end.Before(start):
			// The times shown and the duration agree: end − start (continue_time is rounded
			// on its own and may differ from the times by a second).
			o.StartedAt, o.EndedAt, o.Duration = start, end, end.Sub(start)
		case okLength && length >= 0:
			// A length without times that can be placed: the moments are unknown.
			o.StartedAt, o.EndedAt = time.Time{}, time.Time{}
			o.Duration = time.Duration(length * float64(time.Second))
		default:
			p.logf("run %d: the run history has no usable start and end; the times shown are those of this attach", o.RunID)
			return
		}
		p.logf("run %d ran %s by the service's run history", o.RunID, o.Duration.Round(time.Second))
		return
	}
	p.logf("run %d is not in the task's run history; the times shown are those of this attach", o.RunID)
}

// serviceTime parses a time of the service; only times that carry their zone are accepted
// (the documents do not say which zone a bare time is in).
func serviceTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
