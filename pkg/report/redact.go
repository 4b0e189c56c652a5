package report

// Redact applies f (a secret scrubber) to every text of the result that came from outside the
// runner: error and gate messages, notes, names and settings. Call it before writing anything.
func (r *Result) Redact(f func(string) string) {
	for _, t := range r.Tasks {
		t.Redact(f)
	}
	r.Error = f(r.Error)
	for k, v := range r.Settings {
		r.Settings[k] = f(v)
	}
	if r.Baseline != nil {
		r.Baseline.Note = f(r.Baseline.Note)
	}
	for i := range r.Gates {
		g := &r.Gates[i]
		g.Name, g.Text, g.Message = f(g.Name), f(g.Text), f(g.Message)
	}
	for i := range r.Checks {
		r.Checks[i].Message = f(r.Checks[i].Message)
	}
	for i := range r.PlanRecords {
		r.PlanRecords[i].Error = f(r.PlanRecords[i].Error)
	}
	if r.Execution != nil {
		r.Execution.Cause, r.Execution.FAQ = f(r.Execution.Cause), f(r.Execution.FAQ)
	}
}
