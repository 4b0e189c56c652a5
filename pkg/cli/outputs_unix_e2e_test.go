//go:build unix

package cli

import (
	"github.com/codearts-runner/codearts-runner/internal/testutil"

	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// TestUnwritableOutputSaysHowToFixIt: the runner as a user that may not write in the working
// directory (the image's uid 10001 in a workspace mounted from the host) says so, with the uid
// and the --user recipe, writes nothing, and keeps the verdict. As root the process is started
// as uid 10001; otherwise the directory is made read-only.
func TestUnwritableOutputSaysHowToFixIt(t *testing.T) {
	t.Parallel()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, sim.Options{})
	// A directory every user can search, holding the binary and the working directory.
	base, err := os.MkdirTemp("", "unwritable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	work := filepath.Join(base, "work")
	if err := errors.Join(os.Chmod(base, 0o755), os.Mkdir(work, 0o755)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(base, "runner")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "perftest")
	cmd.Dir = work
	cmd.Env = h.env("CODEARTS_JUNIT_FILE=codearts-junit.xml", "CODEARTS_RESULT_FILE=codearts-result.json")
	uid := os.Getuid()
	if uid == 0 {
		uid = 10001
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 10001, Gid: 10001}}
	} else if err := os.Chmod(work, 0o555); err != nil {
		t.Fatal(err)
	}
	var out testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != ExitPassed {
		t.Fatalf("exit %d, want 0 (an output that cannot be written does not change the verdict)\n%s", code, out.String())
	}
	for _, want := range []string{"could not write the JUnit file (junit-file)", "permission denied", fmt.Sprintf("uid %d", uid),
		"image runs as uid 10001", `--user "$(id -u):$(id -g)"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output does not say %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "written to codearts-junit.xml") {
		t.Errorf("announces a file it could not write:\n%s", out.String())
	}
}
