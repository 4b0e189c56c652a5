package steps

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
)

// TestPlanInput is what `runner testplan` is asked to do; it has been validated.
type TestPlanInput struct {
	Plan       string // id or exact name
	Create     bool   // create the plan when no plan has that name
	Start, End time.Time
	ServiceIDs []int64
	Assignee   string
	ServiceID  int64
	CaseIDs    []string
}

// TestPlan adds cases to a TestPlan plan.
type TestPlan struct {
	Client PlanAPI
	Log    io.Writer
}

// TestPlanOutcome is what adding cases to a plan did.
type TestPlanOutcome struct {
	PlanID   string
	PlanName string
	Created  bool
	Calls    int // batch-add calls
	Added    []string
	Already  []string
	Failed   []cloudtest.CaseFailure
	// Unconfirmed lists cases whose outcome the service did not say (a cut-off answer).
	Unconfirmed []string
}

func (f *TestPlan) logf(format string, a ...any) {
	if f.Log != nil {
		fmt.Fprintf(f.Log, format+"\n", a...)
	}
}

// planIDRE recognises a TestPlan plan id (11 to 34 letters and digits).
var planIDRE = regexp.MustCompile(`^[0-9A-Za-z]{11,34}$`)

// ResolvePlan finds a plan by id or exact name; with create it creates a missing one.
func ResolvePlan(ctx context.Context, c PlanAPI, want string, create bool, req cloudtest.CreatePlanRequest) (id, name string, created bool, err error) {
	plans, err := c.ListPlans(ctx, want)
	if err != nil {
		return "", "", false, err
	}
	var hits []cloudtest.Plan
	for _, p := range plans {
		if p.Name == want || string(p.ID) == want {
			hits = append(hits, p)
		}
	}
	if len(hits) == 0 && planIDRE.MatchString(want) {
		all, err := c.ListPlans(ctx, "")
		if err != nil {
			return "", "", false, err
		}
		for _, p := range all {
			if string(p.ID) == want {
				hits = append(hits, p)
			}
		}
	}
	switch {
	case len(hits) == 1:
		return string(hits[0].ID), hits[0].Name, false, nil
	case len(hits) > 1:
		var ids []string
		for _, h := range hits {
			ids = append(ids, string(h.ID))
		}
		return "", "", false, settingsErr("plan", "%d plans are named %q (%v): give the plan id instead", len(hits), want, ids)
	case !create:
		return "", "", false, settingsErr("plan", "no plan with id or name %q (set create-plan=true to create it)", want)
	}
	req.Name = want
	id, err = c.CreatePlan(ctx, req)
	if err != nil {
		return "", "", false, err
	}
	return id, want, true, nil
}

// Run resolves (or creates) the plan and adds the cases that are not in it yet, in batches of
// at most 50. Cases the service refuses are listed with the vendor's code and message.
func (f *TestPlan) Run(ctx context.Context, in TestPlanInput) (*TestPlanOutcome, error) {
	o := &TestPlanOutcome{}
	id, name, created, err := ResolvePlan(ctx, f.Client, in.Plan, in.Create, cloudtest.CreatePlanRequest{
		ServiceIDs: in.ServiceIDs, StartDate: in.Start, EndDate: in.End, AssigneeID: in.Assignee})
	if err != nil {
		return o, err
	}
	o.PlanID, o.PlanName, o.Created = id, name, created
	if created {
		f.logf("created plan %q (%s)", name, id)
	} else {
		f.logf("using plan %q (%s)", name, id)
	}
	present := map[string]bool{}
	if !created {
		cases, err := f.Client.ListPlanCases(ctx, id)
		if err != nil {
			return o, err
		}
		for _, c := range cases {
			present[string(c.ID)] = true
		}
	}
	var todo []string
	seen := map[string]bool{}
	for _, c := range in.CaseIDs {
		switch {
		case seen[c]:
			continue
		case present[c]:
			o.Already = append(o.Already, c)
		default:
			todo = append(todo, c)
		}
		seen[c] = true
	}
	err = cloudtest.SplitBatches(todo, func(batch []string) error {
		res, err := f.Client.AddCases(ctx, id, in.ServiceID, batch)
		o.Calls++
		if err != nil {
			if cloudtest.TooLarge(err) && len(batch) > 1 {
				f.logf("batch %d: %d case(s) refused as too many; sending them in smaller batches", o.Calls, len(batch))
			}
			return err
		}
		o.Added = append(o.Added, res.Succeeded...)
		o.Failed = append(o.Failed, res.Failed...)
		if res.Incomplete {
			failed := map[string]bool{}
			for _, fl := range res.Failed {
				failed[fl.CaseID] = true
			}
			for _, c := range batch {
				if !failed[c] {
					o.Unconfirmed = append(o.Unconfirmed, c)
				}
			}
		}
		f.logf("batch %d: %d case(s) sent, %d added, %d refused", o.Calls, len(batch), len(res.Succeeded), len(res.Failed))
		return nil
	})
	if err != nil {
		return o, err
	}
	f.logf("plan %q: %d added, %d already there, %d failed", name, len(o.Added), len(o.Already), len(o.Failed))
	return o, nil
}
