package steps

import (
	"context"
	"strconv"
	"strings"
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
		if e.IsCase() {
			items = append(items, named{ID: int64(e.ID), Name: e.Name})
		}
	}
	ids := make([]int64, 0, len(want))
	var problems []string
	for _, w := range want {
		c, err := pick("cases", "case", w, items)
		if err == nil {
			ids = append(ids, c.ID)
			continue
		}
		// A suite whose case tree lists nothing still takes case ids as given.
		if id, numErr := strconv.ParseInt(w, 10, 64); numErr == nil && len(items) == 0 {
			ids = append(ids, id)
			continue
		}
		problems = append(problems, err.(*SettingsError).Msg)
	}
	if len(problems) > 0 {
		return nil, settingsErr("cases", "%s", strings.Join(problems, "; "))
	}
	return ids, nil
}
