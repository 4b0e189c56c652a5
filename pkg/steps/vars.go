package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// Global variables are shared by every task of a suite, so two runners on two tasks of one suite
// change the same values. Each runner keeps what it changed in a text variable of the suite,
// codearts_runner_<task id>_saved, holding {"NAME": {"was": [...], "set": [...]}}, written before
// the values are changed and deleted once they are put back:
//   - a runner that finds a value another runner set (the value equals that runner's "set")
//     takes that runner's "was" as the original, not the other runner's temporary value;
//   - a runner restores a variable only while it still holds the value this runner set; a value
//     changed since (by a person, or by a later runner, which restores the original itself) is
//     left as it is, with a warning.
// Whatever order the runners end in, the last value standing is put back to the original. The
// API has no compare-and-set: between the read and the write of a restore another runner may
// still write (see the README).

// savedSuffix ends the name of the variable that records a runner's changes.
const savedSuffix = "_saved"

// savedVariable names the variable that records the changes of the runner of a task.
func savedVariable(taskID int64) string { return tagVariable(taskID) + savedSuffix }

// savedValue is one variable's entry in a record: its value before any runner changed it, and
// the value this runner set.
type savedValue struct {
	Was []any `json:"was"`
	Set []any `json:"set"`
}

// varState is what setVariables changed, for restoreVariables.
type varState struct {
	suiteID int64
	changed []cpts.Variable       // as set by this runner
	saved   map[string]savedValue // by name
	types   []int                 // variable types to list when restoring (text included)
}

// sameValues compares variable values by their JSON form (numbers read back as float64).
func sameValues(a, b []any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// records reads the change records of the runners of the suite's tasks from vars.
func records(vars []cpts.Variable) []map[string]savedValue {
	var out []map[string]savedValue
	for _, v := range vars {
		if !strings.HasPrefix(v.Name, "codearts_runner_") || !strings.HasSuffix(v.Name, savedSuffix) || len(v.Values) == 0 {
			continue
		}
		var rec map[string]savedValue
		if text, ok := v.Values[0].(string); ok && json.Unmarshal([]byte(text), &rec) == nil {
			out = append(out, rec)
		}
	}
	return out
}

// setVariables sets the suite's global variables, recording first what it changes (see above).
// The suite's variables are listed once per documented variable type. An unknown name, a file
// variable, a value that does not fit the variable's type, or — when restore is set — a
// sensitive variable (its listed value may be masked, so the old value could not be put back)
// is a SettingsError, found before any variable is changed.
func (p *PerfTest) setVariables(ctx context.Context, o *Outcome, vars []Variable, restore bool) (*varState, error) {
	if len(vars) == 0 {
		return nil, nil
	}
	have, err := p.CPTS.ListAllVariables(ctx, o.SuiteID)
	if err != nil {
		return nil, err
	}
	byName := map[string]cpts.Variable{}
	var names []named
	for _, v := range have {
		byName[v.Name] = v
		names = append(names, named{ID: int64(v.ID), Name: v.Name})
	}
	st := &varState{suiteID: o.SuiteID, saved: map[string]savedValue{}, types: []int{cpts.VariableText}}
	others := records(have)
	var unknown, problems []string
	for _, v := range vars {
		cur, ok := byName[v.Name]
		if !ok {
			unknown = append(unknown, v.Name)
			continue
		}
		if cur.IsSensitive && restore {
			problems = append(problems, fmt.Sprintf("%s is sensitive: its listed value may be masked, so it could not be restored after the run (set restore-variables=false to set it)", v.Name))
			continue
		}
		vals, err := variableValues(int(cur.Type), v.Value)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", v.Name, err))
			continue
		}
		was := cur.Values
		for _, rec := range others {
			// The value another runner set: the original is the one that runner found.
			if r, ok := rec[v.Name]; ok && sameValues(r.Set, cur.Values) {
				was = r.Was
			}
		}
		nv := cur
		nv.Values = vals
		st.changed = append(st.changed, nv)
		st.saved[v.Name] = savedValue{Was: was, Set: nv.Values}
		if !slices.Contains(st.types, int(cur.Type)) {
			st.types = append(st.types, int(cur.Type))
		}
	}
	if len(unknown) > 0 {
		problems = append([]string{fmt.Sprintf("unknown variable(s) %v in the suite; it has: %s", unknown, list(names))}, problems...)
	}
	if len(problems) > 0 {
		return nil, settingsErr("variables", "%s", strings.Join(problems, "; "))
	}
	rec, _ := json.Marshal(st.saved)
	if old, ok := byName[savedVariable(o.TaskID)]; ok {
		old.Values = []any{string(rec)}
		err = p.CPTS.UpdateVariables(ctx, o.SuiteID, []cpts.Variable{old})
	} else {
		_, err = p.CPTS.CreateVariable(ctx, o.SuiteID, savedVariable(o.TaskID), cpts.VariableText, string(rec))
	}
	if err != nil {
		// Without the record a runner on another task may take our values for the originals.
		p.logf("warning: could not record the original variable values in %s: %v", savedVariable(o.TaskID), err)
	}
	if err := p.CPTS.UpdateVariables(ctx, o.SuiteID, st.changed); err != nil {
		p.dropRecord(ctx, o)
		return nil, err
	}
	p.logf("set %d global variable(s)", len(st.changed))
	return st, nil
}

// restoreVariables puts back the originals of the variables that still hold the value this
// runner set, leaves (with a warning) those changed since, and deletes this runner's record.
// It runs outside ctx's cancellation, within 10 s.
func (p *PerfTest) restoreVariables(ctx context.Context, o *Outcome, st *varState) {
	if st == nil {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := map[string]cpts.Variable{}
	for _, typ := range st.types {
		vs, err := p.CPTS.ListVariables(rctx, st.suiteID, typ)
		if err != nil {
			p.logf("warning: could not read the global variables to restore them (left as set): %v", err)
			return
		}
		for _, v := range vs {
			now[v.Name] = v
		}
	}
	var back []cpts.Variable
	for _, v := range st.changed {
		cur, ok := now[v.Name]
		switch {
		case !ok:
			p.logf("warning: global variable %q no longer exists: not restored", v.Name)
		case !sameValues(cur.Values, v.Values):
			p.logf("warning: global variable %q was changed by someone else since this run set it: left as it is", v.Name)
		default:
			cur.Values = st.saved[v.Name].Was
			back = append(back, cur)
		}
	}
	if err := p.CPTS.UpdateVariables(rctx, st.suiteID, back); err != nil {
		p.logf("warning: could not restore the global variables: %v", err)
		return
	}
	if len(back) > 0 {
		p.logf("restored %d global variable(s)", len(back))
	}
	if v, ok := now[savedVariable(o.TaskID)]; ok {
		p.deleteVariable(rctx, o, v)
	}
}

// dropRecord deletes this runner's record after a failed change.
func (p *PerfTest) dropRecord(ctx context.Context, o *Outcome) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	vs, err := p.CPTS.ListVariables(rctx, o.SuiteID, cpts.VariableText)
	if err != nil {
		return
	}
	for _, v := range vs {
		if v.Name == savedVariable(o.TaskID) {
			p.deleteVariable(rctx, o, v)
		}
	}
}

// deleteVariable deletes one of the runner's own variables; a failure is a warning.
func (p *PerfTest) deleteVariable(ctx context.Context, o *Outcome, v cpts.Variable) {
	if err := p.CPTS.DeleteVariable(ctx, o.SuiteID, int64(v.ID)); err != nil {
		p.logf("warning: could not delete global variable %q: %v", v.Name, err)
	}
}

// busy reports whether the task's latest run has not ended (or is in an undocumented state).
func busy(t *cpts.Task) bool {
	switch t.RunStatus {
	case cpts.StatusRunning, cpts.StatusWaiting, cpts.StatusPaused, cpts.StatusStopping:
		return true
	}
	return false
}

// errBusy is the refusal to set variables on a task that is running.
func errBusy(o *Outcome, t *cpts.Task) error {
	return fmt.Errorf("task %q (%d) is busy with run %d (%s): the global variables were not set and no run was started",
		o.TaskName, o.TaskID, t.CurrentRunID(), t.RunStatus)
}

// variableValues turns the value given for a variable of type typ into its documented
// `variable` array: an integer variable takes "MIN,MAX" (or one integer N for [N, N]), an
// enumeration or text variable takes the value as its one element; a file variable cannot be
// set by value.
func variableValues(typ int, value string) ([]any, error) {
	switch typ {
	case cpts.VariableInteger:
		lo, hi, pair := strings.Cut(value, ",")
		if !pair {
			hi = lo
		}
		a, errA := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		b, errB := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		if errA != nil || errB != nil || a > b {
			return nil, fmt.Errorf("an integer variable takes MIN,MAX or one integer, got %q", value)
		}
		return []any{a, b}, nil
	case cpts.VariableEnum, cpts.VariableText:
		return []any{value}, nil
	case cpts.VariableFile:
		return nil, fmt.Errorf("a file variable cannot be set by value")
	default:
		return nil, fmt.Errorf("variable_type %d is not documented", typ)
	}
}
