package steps

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// The run tag ties a run to the CI run that started it, so that a re-run of the same CI step
// attaches to the run instead of starting a second one. CPTS has no labels on runs: the tag is
// kept in a text global variable of the suite, one per task, holding "<tag> <run id>".

// tagVariable names the suite variable that holds the run tag of a task.
func tagVariable(taskID int64) string { return fmt.Sprintf("codearts_runner_%d", taskID) }

// findTagged returns the run a previous invocation with the same tag started, when that run
// has not ended: it is the task's current unfinished run, or — while the task still shows an
// older run — it is not in the task's history of finished runs.
func (p *PerfTest) findTagged(ctx context.Context, o *Outcome, tag string, task *cpts.Task) (int64, bool) {
	if tag == "" {
		return 0, false
	}
	vars, err := p.CPTS.ListVariables(ctx, o.SuiteID, cpts.VariableText)
	if err != nil {
		p.logf("warning: could not read the run tags of suite %d: %v", o.SuiteID, err)
		return 0, false
	}
	var run int64
	for _, v := range vars {
		if v.Name != tagVariable(o.TaskID) || len(v.Values) == 0 {
			continue
		}
		gotTag, id, ok := strings.Cut(fmt.Sprint(v.Values[0]), " ")
		if !ok || gotTag != tag {
			return 0, false
		}
		run, _ = strconv.ParseInt(id, 10, 64)
	}
	if run == 0 {
		return 0, false
	}
	if cur := task.CurrentRunID(); cur == run {
		return run, !task.RunStatus.IsTerminal()
	}
	hist, err := p.CPTS.History(ctx, o.TaskID)
	if err != nil {
		p.logf("warning: could not read the run history of task %d: %v", o.TaskID, err)
		return 0, false
	}
	for _, h := range hist {
		if int64(h.RunID) == run {
			return 0, false // it finished: this invocation starts a new run
		}
	}
	return run, true
}

// recordTag stores tag and the run it started; a failure only costs the re-run protection.
func (p *PerfTest) recordTag(ctx context.Context, o *Outcome, tag string) {
	if tag == "" {
		return
	}
	value := fmt.Sprintf("%s %d", tag, o.RunID)
	vars, err := p.CPTS.ListVariables(ctx, o.SuiteID, cpts.VariableText)
	if err == nil {
		for _, v := range vars {
			if v.Name == tagVariable(o.TaskID) {
				v.Values = []any{value}
				err = p.CPTS.UpdateVariables(ctx, o.SuiteID, []cpts.Variable{v})
				if err != nil {
					p.logf("warning: could not record the run tag: %v", err)
				}
				return
			}
		}
		_, err = p.CPTS.CreateVariable(ctx, o.SuiteID, tagVariable(o.TaskID), cpts.VariableText, value)
	}
	if err != nil {
		p.logf("warning: could not record the run tag (a re-run of this step would start a second run): %v", err)
	}
}
