package steps

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// The run tag ties a run to the CI run that started it, so that a re-run of the same CI step
// attaches to the run instead of starting a second one. CPTS has no labels on runs: the tag is
// kept in a text global variable of the suite, one per task, holding "<tag> <run id>".

// tagVariable names the suite variable that holds the run tag of a task.
func tagVariable(taskID int64) string { return fmt.Sprintf("codearts_runner_%d", taskID) }

// tagSlot is the suite variable that holds a task's run tag, as read before the start: v is
// nil when there is none yet; read is false when it could not be read.
type tagSlot struct {
	v    *cpts.Variable
	read bool
}

// readTag reads the run-tag variable of the task (one listing serves the lookup before the start
// and the record after it).
func (p *PerfTest) readTag(ctx context.Context, o *Outcome) tagSlot {
	vars, err := p.CPTS.ListVariables(ctx, o.SuiteID, cpts.VariableText)
	if err != nil {
		p.logf("warning: could not read the run tags of suite %d: %v", o.SuiteID, err)
		return tagSlot{}
	}
	for i := range vars {
		if vars[i].Name == tagVariable(o.TaskID) {
			return tagSlot{v: &vars[i], read: true}
		}
	}
	return tagSlot{read: true}
}

// findTagged returns the run a previous invocation with the same tag started, when that run
// has not ended: it is the task's current unfinished run, or — while the task still shows an
// older run — it is not in the task's history of finished runs.
func (p *PerfTest) findTagged(ctx context.Context, o *Outcome, tag string, slot tagSlot, task *cpts.Task) (int64, bool) {
	if tag == "" || slot.v == nil || len(slot.v.Values) == 0 {
		return 0, false
	}
	gotTag, id, ok := strings.Cut(fmt.Sprint(slot.v.Values[0]), " ")
	if !ok || gotTag != tag {
		return 0, false
	}
	run, _ := strconv.ParseInt(id, 10, 64)
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

// recordTag stores tag and the run it started in the slot read before the start (reading it
// again only if that failed); a failure only costs the re-run protection.
func (p *PerfTest) recordTag(ctx context.Context, o *Outcome, tag string, slot tagSlot) {
	if tag == "" {
		return
	}
	if !slot.read {
		if slot = p.readTag(ctx, o); !slot.read {
			return
		}
	}
	value := fmt.Sprintf("%s %d", tag, o.RunID)
	var err error
	if slot.v != nil {
		v := *slot.v
		v.Values = []any{value}
		err = p.CPTS.UpdateVariables(ctx, o.SuiteID, []cpts.Variable{v})
	} else {
		_, err = p.CPTS.CreateVariable(ctx, o.SuiteID, tagVariable(o.TaskID), cpts.VariableText, value)
	}
	if err != nil {
		p.logf("warning: could not record the run tag (a re-run of this step would start a second run): %v", err)
	}
}

// removeTag deletes the run-tag variable of the task once run o.RunID has ended and been read,
// when it still names that run (a newer run's tag is left alone). It runs outside ctx's
// cancellation; a failure is a warning.
func (p *PerfTest) removeTag(ctx context.Context, o *Outcome) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	slot := p.readTag(rctx, o)
	if slot.v == nil || len(slot.v.Values) == 0 {
		return
	}
	_, id, _ := strings.Cut(fmt.Sprint(slot.v.Values[0]), " ")
	if run, _ := strconv.ParseInt(id, 10, 64); run == o.RunID {
		p.deleteVariable(rctx, o, *slot.v)
	}
}
