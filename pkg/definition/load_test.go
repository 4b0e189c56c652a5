package definition

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const base = `suite:
  name: shop
task:
  name: ${TASK}
cases:
  - name: browse
    requests:
      - name: list
        url: https://shop.example.com/products
    stages:
      - duration: 5m
        users: ${USERS}
        ramp_up: 30s
profiles:
  pr:
    task: {name: shop-pr}
    stages:
      - {duration: 1m, users: 10}
gates:
  - p95 <= 800ms
`

func TestParse(t *testing.T) {
	t.Parallel()
	env := map[string]string{"TASK": "shop-load", "USERS": "40"}
	tests := []struct {
		name    string
		profile string
		check   func(t *testing.T, d *Definition)
	}{
		{"defaults and env", "", func(t *testing.T, d *Definition) {
			r := d.Cases[0].Requests[0]
			if d.Task.Name != "shop-load" || r.Method != "GET" || r.HTTPVersion != "HTTP/1.1" || time.Duration(r.ConnectTimeout) != 5*time.Second {
				t.Errorf("%+v %+v", d.Task, r)
			}
			st := d.Cases[0].Stages[0]
			if st.Users != 40 || time.Duration(st.Duration) != 5*time.Minute || st.Name != "Stage-1" || st.Pressure != "concurrency" {
				t.Errorf("%+v", st)
			}
			spec := st.Spec()
			if spec.Time != 300 || spec.RampUp != 30 || spec.IssueNum != 40 || spec.OperateMode != 0 || spec.PressureMode != 0 {
				t.Errorf("%+v", spec)
			}
			if len(d.Gates) != 1 || d.Profiles[0] != "pr" {
				t.Errorf("gates %v profiles %v", d.Gates, d.Profiles)
			}
		}},
		{"profile pr", "pr", func(t *testing.T, d *Definition) {
			if d.Task.Name != "shop-pr" || d.Cases[0].Stages[0].Users != 10 || time.Duration(d.Cases[0].Stages[0].Duration) != time.Minute {
				t.Errorf("%+v %+v", d.Task, d.Cases[0].Stages)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := Parse("f.yaml", []byte(base), Options{Env: env, Profile: tt.profile})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d)
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	env := map[string]string{"TASK": "t", "USERS": "4"}
	tests := []struct {
		name, edit, with string
		profile, want    string
	}{
		{"unknown key", "ramp_up: 30s", "rampup: 30s", "", `f.yaml:13:9: cases[0].stages[0]: unknown key "rampup" (did you mean "ramp_up"?)`},
		{"no unit", "duration: 5m", "duration: 300", "", `f.yaml:11:19: cases[0].stages[0].duration: "300" has no unit`},
		{"env unset", "${USERS}", "${NOPE}", "", `f.yaml:12:16: environment variable NOPE is not set`},
		{"literal", "name: ${TASK}", "name: $${TASK}", "", ""},
		{"enum", "url: https", "method: GTE\n        url: https", "", `"GTE" is not valid (did you mean "GET"?)`},
		{"profile", "", "", "nightyl", `profile "nightyl" is not defined; profiles: pr`},
		{"missing users", "users: ${USERS}", "tps: 3", "", "users is required with concurrency pressure"},
		{"bad url", "https://shop.example.com/products", "ftp://x", "", `url "ftp://x": expected an http:// or https:// URL`},
		{"not a number", "users: ${USERS}", "users: many", "", `cases[0].stages[0].users: expected a whole number, found "many"`},
		{"bad gate", "p95 <= 800ms", "p96 <= 800ms", "", `unknown metric`},
		{"CPTS field as gate metric", "p95 <= 800ms", "tp95 <= 800ms", "", `unknown metric "tp95" (CPTS field tp95 is the metric "p95")`},
		{"twice", "  name: shop\n", "  name: shop\n  name: again\n", "", `key "name" is given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := base
			if tt.edit != "" {
				src = strings.Replace(base, tt.edit, tt.with, 1)
			}
			_, err := Parse("f.yaml", []byte(src), Options{Env: env, Profile: tt.profile})
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want %q", err, tt.want)
			}
		})
	}
}

func TestDurationString(t *testing.T) {
	t.Parallel()
	for in, want := range map[time.Duration]string{5 * time.Minute: "5m", 90 * time.Minute: "1h30m", time.Hour: "1h", 200 * time.Millisecond: "200ms", 45 * time.Second: "45s"} {
		if got := Duration(in).String(); got != want {
			t.Errorf("%v: %q, want %q", in, got, want)
		}
	}
}

// TestParseMergeKeys: stages shared through an x- anchor and YAML merge keys;
// a key of the mapping wins over the merged one.
func TestParseMergeKeys(t *testing.T) {
	t.Parallel()
	src := `x-stage: &stage {duration: 2m, users: 5, ramp_up: 10s}
suite: {name: s}
task: {name: t}
cases:
  - name: a
    requests: [{name: r, url: "https://a.example.com/"}]
    stages:
      - <<: *stage
        users: 7
`
	d, err := Parse("f.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := d.Cases[0].Stages[0]
	if st.Users != 7 || time.Duration(st.Duration) != 2*time.Minute || time.Duration(st.RampUp) != 10*time.Second {
		t.Errorf("%+v", st)
	}
}
