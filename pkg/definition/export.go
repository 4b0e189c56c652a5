package definition

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// The exported file's shape: the File types with defaults left out.
type (
	exportFile struct {
		Suite     Suite            `yaml:"suite"`
		Variables []exportVariable `yaml:"variables,omitempty"`
		Task      exportTask       `yaml:"task"`
		Cases     []exportCase     `yaml:"cases"`
	}
	exportVariable struct {
		Name   string   `yaml:"name"`
		Text   *string  `yaml:"text,omitempty"`
		Range  []int64  `yaml:"range,omitempty,flow"`
		Values []string `yaml:"values,omitempty,flow"`
	}
	exportTask struct {
		Name     string `yaml:"name"`
		Parallel bool   `yaml:"parallel,omitempty"`
	}
	exportCase struct {
		Name     string          `yaml:"name"`
		Requests []exportRequest `yaml:"requests"`
		Stages   []exportStage   `yaml:"stages"`
	}
	exportRequest struct {
		Name            string            `yaml:"name"`
		Method          string            `yaml:"method,omitempty"`
		URL             string            `yaml:"url"`
		Headers         map[string]string `yaml:"headers,omitempty"`
		HTTPVersion     string            `yaml:"http_version,omitempty"`
		ConnectTimeout  string            `yaml:"connect_timeout,omitempty"`
		ResponseTimeout string            `yaml:"response_timeout,omitempty"`
	}
	exportStage struct {
		Name       string `yaml:"name,omitempty"`
		Duration   string `yaml:"duration,omitempty"`
		Count      int64  `yaml:"count,omitempty"`
		Pressure   string `yaml:"pressure,omitempty"`
		Users      int64  `yaml:"users,omitempty"`
		StartUsers int64  `yaml:"start_users,omitempty"`
		TPS        int64  `yaml:"tps,omitempty"`
		StartTPS   int64  `yaml:"start_tps,omitempty"`
		RampUp     string `yaml:"ramp_up,omitempty"`
	}
)

// Export reads task (id or exact name) of suite (id or exact name) and
// returns it as a definition file. What the file cannot express (cards
// other than requests, request bodies, pressure modes other than
// concurrency and TPS) is an error naming the case, not silently dropped.
func Export(ctx context.Context, svc Service, suite, task string) ([]byte, error) {
	suites, err := svc.ListSuites(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var s *cpts.Suite
	for i := range suites {
		if suites[i].Name == suite || strconv.FormatInt(int64(suites[i].ID), 10) == suite {
			s = &suites[i]
			break
		}
	}
	if s == nil {
		return nil, fmt.Errorf("export: test-suite %q: no suite has this id or name", suite)
	}
	tasks, err := svc.ListTasks(ctx, int64(s.ID))
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var taskID int64
	for _, t := range tasks {
		if t.Name == task || strconv.FormatInt(int64(t.ID), 10) == task {
			taskID = int64(t.ID)
			break
		}
	}
	if taskID == 0 {
		return nil, fmt.Errorf("export: task %q: suite %q has no task of this id or name", task, s.Name)
	}
	t, err := svc.ShowTask(ctx, taskID)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	f := exportFile{Suite: Suite{Name: s.Name, Description: s.Description}, Task: exportTask{Name: t.Name, Parallel: t.Parallel}}
	var probs []string
	vars, err := svc.ListAllVariables(ctx, int64(s.ID))
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	for _, v := range vars {
		if v.IsSensitive || int(v.Type) == cpts.VariableFile {
			continue // not readable or not expressible: left alone by a sync, as every unnamed variable
		}
		ev, err := exportVariableOf(v)
		if err != nil {
			probs = append(probs, fmt.Sprintf("variable %q: %v", v.Name, err))
			continue
		}
		f.Variables = append(f.Variables, ev)
	}
	for _, cd := range t.Cases {
		c, err := exportCaseOf(cd)
		if err != nil {
			probs = append(probs, fmt.Sprintf("case %q: %v", cd.Name, err))
			continue
		}
		f.Cases = append(f.Cases, c)
	}
	if len(probs) > 0 {
		return nil, fmt.Errorf("export: the file cannot express:\n  %s", strings.Join(probs, "\n  "))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Editors check this file against the runner's schema/perftest.schema.json: add a first line\n# yaml-language-server: $schema=<path to>/perftest.schema.json\n")
	fmt.Fprintf(&b, "# Exported from task %d of suite %d. Add gates: (or gates: none) before running it.\n", taskID, int64(s.ID))
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return b.Bytes(), nil
}

func exportCaseOf(cd cpts.CaseDetail) (exportCase, error) {
	c := exportCase{Name: cd.Name}
	for ci, card := range cd.Contents {
		if card.DataType != 0 || card.IsDisabled || card.ContentID != 0 {
			return c, fmt.Errorf("card %d is not a plain enabled request card (data_type %d)", ci, card.DataType)
		}
		for _, it := range card.Content {
			if it.ContentType != cpts.ContentRequest || it.Content == nil {
				return c, fmt.Errorf("card %d holds a content_type %d item (only requests, 2, are supported)", ci, it.ContentType)
			}
			r, err := exportRequestOf(*it.Content)
			if err != nil {
				return c, err
			}
			c.Requests = append(c.Requests, r)
		}
	}
	for i, st := range cd.Stages {
		s, err := exportStageOf(i, st.Spec())
		if err != nil {
			return c, err
		}
		c.Stages = append(c.Stages, s)
	}
	return c, nil
}

func exportRequestOf(r cpts.RequestInfo) (exportRequest, error) {
	out := exportRequest{Name: r.Name, URL: r.URL}
	if len(r.Bodys) > 0 {
		return out, fmt.Errorf("request %q has a body (bodys): the documents do not define its shape", r.Name)
	}
	u, err := url.Parse(r.URL)
	want := map[string]int64{"http": cpts.ProtocolHTTP, "https": cpts.ProtocolHTTPS}
	if err != nil || want[u.Scheme] == 0 || want[u.Scheme] != int64(r.ProtocolType) {
		return out, fmt.Errorf("request %q: protocol_type %d with url %q (only HTTP and HTTPS urls are supported)", r.Name, r.ProtocolType, r.URL)
	}
	if m := strings.ToUpper(r.Method); m != defaultMethod {
		out.Method = m
	}
	if r.HTTPVersion != defaultHTTPVersion {
		out.HTTPVersion = r.HTTPVersion
	}
	for _, h := range r.Headers {
		if out.Headers == nil {
			out.Headers = map[string]string{}
		}
		if _, dup := out.Headers[h.Key]; dup {
			return out, fmt.Errorf("request %q sends header %q twice", r.Name, h.Key)
		}
		out.Headers[h.Key] = h.Value
	}
	msd := func(v cpts.Int) string {
		if d := Duration(time.Duration(v) * time.Millisecond); d != defaultTimeout {
			return d.String()
		}
		return ""
	}
	out.ConnectTimeout, out.ResponseTimeout = msd(r.ConnectTimeout), msd(r.ReturnTimeout)
	return out, nil
}

func exportStageOf(i int, s cpts.StageSpec) (exportStage, error) {
	s = effective(s)
	out := exportStage{Users: s.IssueNum, StartUsers: s.CurrentUserNum, TPS: s.TPSValue, StartTPS: s.CurrentTPS, Count: s.Count}
	if s.Name != fmt.Sprintf("Stage-%d", i+1) {
		out.Name = s.Name
	}
	switch s.PressureMode {
	case 0:
	case 1:
		out.Pressure = "tps"
	default:
		return out, fmt.Errorf("stage %d: pressure_mode %d (only concurrency 0 and TPS 1 are supported)", i+1, s.PressureMode)
	}
	if s.OperateMode == 0 {
		out.Duration = Duration(time.Duration(s.Time) * time.Second).String()
	}
	if s.RampUp != 0 {
		out.RampUp = Duration(time.Duration(s.RampUp) * time.Second).String()
	}
	return out, nil
}

func exportVariableOf(v cpts.Variable) (exportVariable, error) {
	out := exportVariable{Name: v.Name}
	switch int(v.Type) {
	case cpts.VariableText:
		if len(v.Values) != 1 {
			return out, fmt.Errorf("a text variable with %d values", len(v.Values))
		}
		t := fmt.Sprint(v.Values[0])
		out.Text = &t
	case cpts.VariableInteger:
		if len(v.Values) != 2 {
			return out, fmt.Errorf("an integer variable with %d values (want [min, max])", len(v.Values))
		}
		for _, x := range v.Values {
			n, err := strconv.ParseInt(fmt.Sprint(x), 10, 64)
			if err != nil {
				return out, fmt.Errorf("integer range value %v", x)
			}
			out.Range = append(out.Range, n)
		}
	case cpts.VariableEnum:
		out.Values = []string{}
		for _, x := range v.Values {
			out.Values = append(out.Values, fmt.Sprint(x))
		}
	default:
		return out, fmt.Errorf("variable_type %d", int(v.Type))
	}
	return out, nil
}
