// Package testtool finds the external tools some tests need (xmllint, shellcheck, actionlint,
// make). A missing tool fails the test in CI and skips it, with a note naming the tool and how
// to install it, only on a developer's machine: a check never goes missing unnoticed in CI.
//
// CI is recognised by CI=true (GitHub Actions, GitLab CI and .ci/run set it) or
// CODEARTS_RUNNER_CI=1. This package is for tests only; it reads the test process's
// environment, never the runner's settings.
package testtool

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// InCI reports whether the tests run in CI, where a missing tool is a failure.
func InCI() bool {
	return os.Getenv("CI") == "true" || os.Getenv("CI") == "1" || os.Getenv("CODEARTS_RUNNER_CI") == "1"
}

// Find looks for name on PATH, then in dirs (e.g. the repository's .tools/bin).
func Find(name string, dirs ...string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range dirs {
		p, err := filepath.Abs(filepath.Join(d, name))
		if err != nil {
			continue
		}
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", errors.New(name + " is not on PATH")
}

// Need returns the path of tool name. When it is missing, the test fails in CI and is skipped
// elsewhere; install says how to get the tool.
func Need(t testing.TB, name, install string, dirs ...string) string {
	t.Helper()
	p, err := Find(name, dirs...)
	if err == nil {
		return p
	}
	if InCI() {
		t.Fatalf("%s is missing in CI (%v): %s — .ci/run installs it", name, err, install)
	}
	t.Skipf("NOTE: %s not installed, this check is skipped locally (it fails in CI): %s", name, install)
	return ""
}
