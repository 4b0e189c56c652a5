// Package steps holds the runner's flows: the gated PerfTest run, TestPlan and task templates.
// Each flow talks to typed API clients, reports progress as lines of text, and returns an
// outcome that the output writers render; it never reads the environment or exits.
package steps

import (
	"errors"
	"fmt"
)

// SettingsError is a problem with what the user asked for that is found by looking at the
// workspace (an unknown task name, an ambiguous suite, an unknown variable) before anything is
// started: exit code 2.
type SettingsError struct {
	Setting string
	Msg     string
	// notFound marks "nothing of that name", which some callers turn into a creation.
	notFound bool
}

// Error names the setting and the problem.
func (e *SettingsError) Error() string { return e.Setting + ": " + e.Msg }

func settingsErr(setting, format string, a ...any) error {
	return &SettingsError{Setting: setting, Msg: fmt.Sprintf(format, a...)}
}

// IsSettings reports whether err is a SettingsError.
func IsSettings(err error) bool {
	var se *SettingsError
	return errors.As(err, &se)
}
