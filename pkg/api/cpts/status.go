package cpts

import (
	"encoding/json"
	"strconv"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// Status is the run state of a task (`run_status`) or of one case run
// (`temp_running_status`), as documented for ShowTask.
type Status int

// Run states documented for `run_status` and `temp_running_status`.
const (
	// StatusUnknown means the answer carried no status (field absent or null).
	// It is never sent by the service.
	StatusUnknown Status = -1
	// StatusRunning (0) means the run is executing.
	StatusRunning Status = 0
	// StatusPaused (1) means the run is paused.
	StatusPaused Status = 1
	// StatusFinished (2) means the run ended normally.
	StatusFinished Status = 2
	// StatusAborted (3) means the run was aborted abnormally.
	StatusAborted Status = 3
	// StatusStoppedByUser (4) means a user stopped the run and it has ended.
	StatusStoppedByUser Status = 4
	// StatusStopping (5) means a user stopped the run and it is still winding down.
	StatusStopping Status = 5
	// StatusWaiting (9) means the run is queued and has not started yet.
	StatusWaiting Status = 9
)

// IsTerminal reports whether s is a final state: finished, aborted or
// stopped by user. Stopping, paused and unknown states are not final.
func (s Status) IsTerminal() bool {
	switch s {
	case StatusFinished, StatusAborted, StatusStoppedByUser:
		return true
	}
	return false
}

// String returns a short English name, e.g. "running" or "status(7)" for an
// undocumented value.
func (s Status) String() string {
	switch s {
	case StatusUnknown:
		return "unknown"
	case StatusRunning:
		return "running"
	case StatusPaused:
		return "paused"
	case StatusFinished:
		return "finished"
	case StatusAborted:
		return "aborted"
	case StatusStoppedByUser:
		return "stopped by user"
	case StatusStopping:
		return "stopping"
	case StatusWaiting:
		return "waiting"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// UnmarshalJSON accepts a number (2, 2.0), a numeric string ("2") or null;
// null and "" decode as StatusUnknown.
func (s *Status) UnmarshalJSON(b []byte) error {
	var n Int
	if api.IsNullOrEmpty(b) {
		*s = StatusUnknown
		return nil
	}
	if err := n.UnmarshalJSON(b); err != nil {
		return err
	}
	*s = Status(n)
	return nil
}

// MarshalJSON writes the number, or null for StatusUnknown.
func (s Status) MarshalJSON() ([]byte, error) {
	if s == StatusUnknown {
		return []byte("null"), nil
	}
	return json.Marshal(int(s))
}
