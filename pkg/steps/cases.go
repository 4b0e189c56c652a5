package steps

import (
	"context"
	"strconv"
)

// resolveCases turns the cases setting (ids or exact names) into case ids, reading the suite's
// case tree. Unknown or ambiguous names are a SettingsError listing what exists.
func (p *PerfTest) resolveCases(ctx context.Context, suiteID int64, want []string) ([]int64, error) {
	entries, err := p.CPTS.ListSuiteCases(ctx, suiteID)
	if err != nil {
		return nil, err
	}
	var items []named
	for _, e := range entries {
		if e.Type == 2 {
			items = append(items, named{ID: int64(e.ID), Name: e.Name})
		}
	}
	ids := make([]int64, 0, len(want))
	var problems []string
	for _, w := range want {
		c, err := pick("cases", "case", w, items)
		if err != nil {
			if _, numErr := strconv.ParseInt(w, 10, 64); numErr == nil && len(items) == 0 {
				id, _ := strconv.ParseInt(w, 10, 64)
				ids = append(ids, id)
				continue
			}
			problems = append(problems, err.(*SettingsError).Msg)
			continue
		}
		ids = append(ids, c.ID)
	}
	if len(problems) > 0 {
		return nil, settingsErr("cases", "%s", joinProblems(problems))
	}
	return ids, nil
}

func joinProblems(p []string) string {
	if len(p) == 1 {
		return p[0]
	}
	out := ""
	for i, s := range p {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}
