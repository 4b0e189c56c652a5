package definition

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/auth"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// simClient is a CPTS client of a fresh simulator.
func simClient(t *testing.T) (*sim.Server, *cpts.Client) {
	t.Helper()
	s := sim.New(sim.Options{Scale: 60})
	url, err := s.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tr := auth.NewAKSK(http.DefaultTransport.(*http.Transport).Clone(), auth.AKSK{AK: sim.DemoAK, SK: sim.DemoSK, ProjectID: sim.DemoProjectID})
	ac, err := api.New(api.Config{Endpoint: url, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	return s, cpts.New(ac, sim.DemoProjectID)
}

// writes lists the requests that change something (anything but a GET).
func writes(s *sim.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Method != http.MethodGet && !strings.HasPrefix(r.Path, "/v3/auth") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func loadExample(t *testing.T, profile string, edit func(string) string) *Definition {
	t.Helper()
	data, err := os.ReadFile("../../examples/perftest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		data = []byte(edit(string(data)))
	}
	d, err := Parse("perftest.yaml", data, Options{Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sync(t *testing.T, c *cpts.Client, d *Definition) (*Plan, *Applied) {
	t.Helper()
	ctx := context.Background()
	p, err := MakePlan(ctx, c, d)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Apply(ctx, c, p)
	if err != nil {
		t.Fatal(err)
	}
	return p, a
}

// TestSyncIdempotent: a fresh simulator gets everything created; a second
// sync sends no write; one changed stage sends exactly one update; the
// simulator shows what was sent.
func TestSyncIdempotent(t *testing.T) {
	t.Parallel()
	s, c := simClient(t)
	d := loadExample(t, "", nil)
	p, a := sync(t, c, d)
	if got := p.Summary(); got != "definition: 6 created, 0 updated, 0 unchanged" {
		t.Errorf("first sync: %s", got)
	}
	if len(a.CaseIDs) != 2 {
		t.Fatalf("case ids %v", a.CaseIDs)
	}
	before := len(writes(s))
	// suite, task, 2 × (case, content, stage), task cases
	if before != 1+1+2*3+1+2 { // + 2 variables
		t.Errorf("first sync writes: %v", writes(s))
	}

	p, _ = sync(t, c, d)
	if got := p.Summary(); got != "definition: 0 created, 0 updated, 6 unchanged" {
		var b bytes.Buffer
		p.Write(&b)
		t.Errorf("second sync: %s\n%s", got, b.String())
	}
	if w := writes(s)[before:]; len(w) != 0 {
		t.Errorf("second sync wrote %v", w)
	}

	d2 := loadExample(t, "", func(s string) string { return strings.Replace(s, "users: 50", "users: 60", 1) })
	p, _ = sync(t, c, d2)
	if got := p.Summary(); got != "definition: 0 created, 1 updated, 5 unchanged" {
		t.Errorf("third sync: %s", got)
	}
	w := writes(s)[before:]
	if len(w) != 1 || !strings.HasSuffix(w[0], "/target/stage") {
		t.Errorf("one stage changed: writes %v", w)
	}
	var b bytes.Buffer
	p.Write(&b)
	if !strings.Contains(b.String(), "drift: stages[1].issue_num: service 50, file 60") {
		t.Errorf("plan:\n%s", b.String())
	}
	task, err := c.ShowTask(context.Background(), a.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Cases) != 2 || !task.Parallel || task.Cases[0].Name != "browse" || task.Cases[0].Stages[1].IssueNum != 60 {
		t.Errorf("task on the service: %+v", task)
	}
}

// TestPruneAndKeep: a case of the task the file does not define is left
// alone, or removed with prune: true.
func TestPruneAndKeep(t *testing.T) {
	t.Parallel()
	s, c := simClient(t)
	d := loadExample(t, "", nil)
	_, a := sync(t, c, d)
	extra, err := c.CreateCase(context.Background(), a.TaskID, "console-made")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := sync(t, c, d)
	var b bytes.Buffer
	p.Write(&b)
	if !strings.Contains(b.String(), `case "console-made" is in the task but not in the file: left alone`) || p.Summary() != "definition: 0 created, 0 updated, 6 unchanged" {
		t.Errorf("keep:\n%s", b.String())
	}
	before := len(writes(s))
	d.Prune = true
	p, _ = sync(t, c, d)
	if p.Summary() != "definition: 0 created, 1 updated, 5 unchanged" {
		t.Errorf("prune: %s", p.Summary())
	}
	if w := writes(s)[before:]; len(w) != 1 || !strings.HasPrefix(w[0], "PUT /v3/") {
		t.Errorf("prune writes %v", w)
	}
	task, _ := c.ShowTask(context.Background(), a.TaskID)
	for _, cd := range task.Cases {
		if int64(cd.CaseID) == extra {
			t.Errorf("case %d still in the task", extra)
		}
	}
}

// TestHeaderValuesNeverPrinted: a changed header (a credential, say) shows in
// the plan without its values.
func TestHeaderValuesNeverPrinted(t *testing.T) {
	t.Parallel()
	_, c := simClient(t)
	sync(t, c, loadExample(t, "", nil))
	d := loadExample(t, "", func(s string) string {
		return strings.Replace(s, "Accept: application/json", "Authorization: Bearer s3cr3t-token", 1)
	})
	p, err := MakePlan(context.Background(), c, d)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	p.Write(&b)
	if strings.Contains(b.String(), "s3cr3t") || !strings.Contains(b.String(), "requests[0].headers: differ (values not shown)") {
		t.Errorf("plan:\n%s", b.String())
	}
}

// TestExportRefusesWhatTheFileCannotSay: a stage in a pressure mode the file
// does not declare makes export fail, naming the case.
func TestExportRefusesWhatTheFileCannotSay(t *testing.T) {
	t.Parallel()
	_, c := simClient(t)
	_, a := sync(t, c, loadExample(t, "", nil))
	ctx := context.Background()
	if _, err := Export(ctx, c, "shop-as-code", "shop-nightly"); err != nil {
		t.Fatalf("export of a synced task: %v", err)
	}
	if err := c.SetCaseStages(ctx, a.CaseIDs["checkout"], []cpts.StageSpec{{Name: "peak", Time: 60, PressureMode: 2, IssueNum: 10}}); err != nil {
		t.Fatal(err)
	}
	_, err := Export(ctx, c, "shop-as-code", "shop-nightly")
	if err == nil || !strings.Contains(err.Error(), `case "checkout": stage 1: pressure_mode 2`) {
		t.Errorf("export: %v", err)
	}
	if _, err := Export(ctx, c, "shop-as-code", "nope"); err == nil || !strings.Contains(err.Error(), `task "nope"`) {
		t.Errorf("missing task: %v", err)
	}
}
