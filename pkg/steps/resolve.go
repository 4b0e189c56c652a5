package steps

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// named is anything with an id and a name, for id-or-name resolution.
type named struct {
	ID   int64
	Name string
}

// pick finds want among items by id (when want is a number) or by exact name. A missing or
// ambiguous name is a SettingsError listing what exists.
func pick(setting, kind, want string, items []named) (named, error) {
	want = strings.TrimSpace(want)
	if id, err := strconv.ParseInt(want, 10, 64); err == nil {
		for _, it := range items {
			if it.ID == id {
				return it, nil
			}
		}
	}
	var hits []named
	for _, it := range items {
		if it.Name == want {
			hits = append(hits, it)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return named{}, &SettingsError{Setting: setting, notFound: true,
			Msg: fmt.Sprintf("no %s with id or name %q; there are: %s", kind, want, list(items))}
	default:
		return named{}, settingsErr(setting, "%d %ss are named %q (%s): give the id instead", len(hits), kind, want, list(hits))
	}
}

// list renders items as `"name" (id)` pairs, sorted by name, at most 20.
func list(items []named) string {
	if len(items) == 0 {
		return "none"
	}
	s := append([]named(nil), items...)
	sort.Slice(s, func(i, j int) bool { return s[i].Name < s[j].Name || s[i].Name == s[j].Name && s[i].ID < s[j].ID })
	var b strings.Builder
	for i, it := range s {
		if i == 20 {
			fmt.Fprintf(&b, ", … %d more", len(s)-20)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q (%d)", it.Name, it.ID)
	}
	return b.String()
}

// resolveSuite finds the test suite by id or exact name.
func resolveSuite(ctx context.Context, c CPTSAPI, want string) (named, error) {
	suites, err := c.ListSuites(ctx)
	if err != nil {
		return named{}, err
	}
	items := make([]named, 0, len(suites))
	for _, s := range suites {
		items = append(items, named{ID: int64(s.ID), Name: s.Name})
	}
	return pick("test-suite", "test suite", want, items)
}

// findTask finds the task by id or exact name. found is false when nothing matches (so that a
// task can be created); err then still says what exists. An ambiguous name is an error.
func findTask(ctx context.Context, c CPTSAPI, suiteID int64, want string) (t named, found bool, err error) {
	tasks, err := c.ListTasks(ctx, suiteID)
	if err != nil {
		return named{}, false, err
	}
	items := make([]named, 0, len(tasks))
	for _, t := range tasks {
		items = append(items, named{ID: int64(t.ID), Name: t.Name})
	}
	t, err = pick("task", "task", want, items)
	return t, err == nil, err
}

// resolve finds the suite and the task (creating the task or setting its cases when cases are
// given). Given both as ids and no cases, one read of the task is enough: it names its suite,
// the listings are skipped, and the read serves the start too.
func (p *PerfTest) resolve(ctx context.Context, in PerfTestInput, o *Outcome) error {
	if t := p.taskByIDs(ctx, in); t != nil {
		o.SuiteID, o.TaskID, o.TaskName, o.plan = int64(t.SuiteID), int64(t.ID), t.Name, t
		return nil
	}
	suite, err := resolveSuite(ctx, p.CPTS, in.Suite)
	if err != nil {
		return err
	}
	o.SuiteID, o.SuiteName = suite.ID, suite.Name
	return p.prepareTask(ctx, in, o)
}

// taskByIDs reads the task when the suite and the task are given as ids, no cases are to be
// set and the task belongs to that suite; otherwise (or when the read fails) it returns nil and
// the listings decide, with their messages naming what exists.
func (p *PerfTest) taskByIDs(ctx context.Context, in PerfTestInput) *cpts.Task {
	suiteID, err1 := strconv.ParseInt(strings.TrimSpace(in.Suite), 10, 64)
	taskID, err2 := strconv.ParseInt(strings.TrimSpace(in.Task), 10, 64)
	if err1 != nil || err2 != nil || suiteID <= 0 || taskID <= 0 || len(in.Cases) > 0 {
		return nil
	}
	t, err := p.CPTS.ShowTask(ctx, taskID)
	if err != nil || int64(t.SuiteID) != suiteID || int64(t.ID) != taskID {
		return nil
	}
	return t
}
