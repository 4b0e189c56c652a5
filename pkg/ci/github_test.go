package ci

import (
	"bytes"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

func TestGitHubGroups(t *testing.T) {
	t.Parallel()
	var stdout bytes.Buffer
	gh := NewGitHub(config.CI{GitHub: true}, &stdout, nil)
	gh.Group("Wait for run\n9001")
	gh.EndGroup()
	if got, want := stdout.String(), "::group::Wait for run 9001\n::endgroup::\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

// TestGitHubCommandEscaping: our workflow commands escape their data (% CR LF) and properties
// (also : and ,), mask secrets in both, and never carry `##[`.
func TestGitHubCommandEscaping(t *testing.T) {
	t.Parallel()
	var stdout bytes.Buffer
	gh := NewGitHub(config.CI{GitHub: true}, &stdout, redact.New("s3cr3t-token"))
	gh.Errorf("Gate: a,b", "100%% s3cr3t-token\n::error::pwned ##[error]x")
	gh.Warningf("w", "%s", "line\r\nbreak")
	gh.Group("task s3cr3t-token\n::stop-commands::x")
	want := "::error title=Gate%3A a%2Cb::100%25 *** ::error::pwned ##\\[error]x\n" +
		"::warning title=w::line break\n" +
		"::group::task *** ::stop-commands::x\n"
	if got := stdout.String(); got != want {
		t.Errorf("commands\n got %q\nwant %q", got, want)
	}
}
