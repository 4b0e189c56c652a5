package config

import "strings"

// checkWorkflow checks the settings only `runner workflow` has (project-id, timeout and
// poll-interval are checked by checkConnection and checkNumbers, once).
func checkWorkflow(s *Settings, _ Mode, add adder) {
	if strings.TrimSpace(s.MASEndpoint) == "" {
		add("mas-endpoint is empty: the MAS document names no default endpoint (ask your administrator); set --mas-endpoint or CODEARTS_MAS_ENDPOINT")
	} else {
		checkURL(add, "mas-endpoint", s.MASEndpoint)
	}
	if strings.TrimSpace(s.Workflow) == "" {
		add("workflow is empty: give the id or exact name of the MAS workflow (--workflow or CODEARTS_WORKFLOW)")
	}
	switch s.WFCheckpoint {
	case "wait", "skip", "retry":
	default:
		add("workflow-checkpoint %q is not valid: use wait, skip or retry", s.WFCheckpoint)
	}
	seen := map[string]string{}
	for _, l := range []struct{ name, v string }{{"workflow-success", s.WFSuccess}, {"workflow-failure", s.WFFailure}, {"workflow-waiting", s.WFWaiting}} {
		for _, st := range splitEntries(l.v, ",\n") {
			k := strings.ToLower(st)
			if other, ok := seen[k]; ok && other != l.name {
				add("status %q is named in both %s and %s: give each status one meaning", st, other, l.name)
			}
			seen[k] = l.name
		}
	}
	if s.OnTimeout != "stop" && s.OnTimeout != "leave" {
		add("on-timeout %q is not valid: use stop or leave", s.OnTimeout)
	}
}

// StatusList splits a workflow-success/-failure/-waiting value.
func StatusList(v string) []string { return splitEntries(v, ",\n") }

// MAS returns the MAS endpoint without a trailing slash.
func (s *Settings) MAS() string { return strings.TrimRight(strings.TrimSpace(s.MASEndpoint), "/") }
