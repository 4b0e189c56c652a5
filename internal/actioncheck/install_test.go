package actioncheck

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/testtool"
)

// fakeRelease is a release of the fake action repository o/r: file name → content.
type fakeRelease map[string]string

// releaseServer serves release downloads and the releases API of repository o/r, like GitHub
// (SERVER_URL) and its API (SERVER_URL/api). downloads counts asset requests.
func releaseServer(t *testing.T, releases map[string]fakeRelease, downloads *atomic.Int32) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /o/r/releases/download/{tag}/{file}", func(w http.ResponseWriter, r *http.Request) {
		downloads.Add(1)
		body, ok := releases[r.PathValue("tag")][r.PathValue("file")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, body)
	})
	list := func(tags ...string) string {
		var items []string
		for _, tag := range tags {
			items = append(items, fmt.Sprintf(`{"id": 1, "tag_name": %q, "draft": false}`, tag))
		}
		return "[\n" + strings.Join(items, ",\n") + "\n]"
	}
	mux.HandleFunc("GET /api/repos/o/r/releases", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer token-123" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		// Newest first, as GitHub lists them; a pre-release and another major in between.
		fmt.Fprint(w, list("v10.0.0", "v9.3.0-rc.1", "v9.2.0", "v9.1.0", "v1.0.0"))
	})
	mux.HandleFunc("GET /api/repos/o/r/releases/latest", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"tag_name": "v9.9.9", "name": "v9.9.9"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// fakeBinary is a release asset that runs on the test machine.
func fakeBinary(tag string) string { return "#!/bin/sh\necho \"fake runner " + tag + " $*\"\n" }

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// release returns a consistent release with the linux/amd64 asset and its checksum.
func release(tag string) fakeRelease {
	bin := fakeBinary(tag)
	return fakeRelease{
		"runner_linux_amd64": bin,
		"checksums.txt":      fmt.Sprintf("%s  runner_darwin_arm64\n%s  runner_linux_amd64\n", sum("other"), sum(bin)),
	}
}

// fakeSource is an action checkout whose ./cmd/runner prints its version.
func fakeSource(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module fake\n\ngo 1.22\n",
		"cmd/runner/main.go": `package main

import (
	"fmt"
	"os"
)

var version = "none"

func main() { fmt.Println("source runner", version, os.Args[1:]) }
`,
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestActionInstallScript runs the install step of action.yml with bash and curl against a fake
// GitHub: exact, moving and latest tags, the tool cache, checksum failures and the fallback to
// `go build` from the action's checkout.
func TestActionInstallScript(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("the install script is tested on Unix; on Windows it runs in Git Bash")
	}
	for _, tool := range []string{"bash", "curl"} {
		testtool.Need(t, tool, "Debian package "+tool)
	}
	script := readAction(t).step(t, "install").Run
	goBin, goErr := exec.LookPath("go")

	tests := []struct {
		name       string
		version    string // input version
		ref        string // github.action_ref
		releases   map[string]fakeRelease
		cached     string // version already in the tool cache
		noGo       bool   // hide Go from PATH
		needGo     bool   // the case builds from source
		wantErr    string // part of the output when the step must fail
		wantRun    string // output of running the installed binary
		wantCached string // version directory the binary must be cached in
		wantNoDL   bool   // no download may happen
	}{
		{name: "exact release is downloaded, checked and cached", version: "v9.9.9",
			releases: map[string]fakeRelease{"v9.9.9": release("v9.9.9")},
			wantRun:  "fake runner v9.9.9 version", wantCached: "9.9.9"},
		{name: "action ref is the default release", ref: "v9.1.0",
			releases: map[string]fakeRelease{"v9.1.0": release("v9.1.0")},
			wantRun:  "fake runner v9.1.0", wantCached: "9.1.0"},
		{name: "moving major tag resolves to its newest release", ref: "v9",
			releases: map[string]fakeRelease{"v9.2.0": release("v9.2.0"), "v10.0.0": release("v10.0.0")},
			wantRun:  "fake runner v9.2.0", wantCached: "9.2.0"},
		{name: "latest resolves through the API", version: "latest",
			releases: map[string]fakeRelease{"v9.9.9": release("v9.9.9")},
			wantRun:  "fake runner v9.9.9", wantCached: "9.9.9"},
		{name: "tool cache is used without downloading", version: "v9.9.9", cached: "9.9.9",
			wantRun: "fake runner cached", wantNoDL: true},
		{name: "checksum mismatch fails", version: "v9.9.9",
			releases: map[string]fakeRelease{"v9.9.9": {
				"runner_linux_amd64": fakeBinary("tampered"),
				"checksums.txt":      sum("original") + "  runner_linux_amd64\n",
			}},
			wantErr: "sha256 of runner_linux_amd64"},
		{name: "release without checksums fails", version: "v9.9.9",
			releases: map[string]fakeRelease{"v9.9.9": {"runner_linux_amd64": fakeBinary("v9.9.9")}},
			wantErr:  "has runner_linux_amd64 but no checksums.txt"},
		{name: "checksums without the asset fail", version: "v9.9.9",
			releases: map[string]fakeRelease{"v9.9.9": {
				"runner_linux_amd64": fakeBinary("v9.9.9"),
				"checksums.txt":      sum("x") + "  runner_darwin_arm64\n",
			}},
			wantErr: "does not list runner_linux_amd64"},
		{name: "branch without release and without Go fails clearly", ref: "main", noGo: true,
			wantErr: "Go is not installed"},
		{name: "release without the asset is built from source", ref: "v9.9.8", needGo: true,
			releases: map[string]fakeRelease{"v9.9.8": {"checksums.txt": ""}},
			wantRun:  "source runner v9.9.8 [version]"},
		{name: "local action is built from source", needGo: true,
			wantRun: "source runner source [version]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.needGo && goErr != nil {
				t.Skip("needs go on PATH")
			}
			var downloads atomic.Int32
			srv := releaseServer(t, tt.releases, &downloads)
			tmp := t.TempDir()
			temp, cache := filepath.Join(tmp, "temp"), filepath.Join(tmp, "toolcache")
			for _, d := range []string{temp, cache} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if tt.cached != "" {
				dir := filepath.Join(cache, "codearts-runner", tt.cached)
				if err := os.MkdirAll(filepath.Join(dir, "amd64"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "amd64", "runner"), []byte(fakeBinary("cached")), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "amd64.complete"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path := "/usr/local/bin:/usr/bin:/bin"
			if tt.noGo {
				if p, err := exec.LookPath("go"); err == nil && (strings.HasPrefix(p, "/usr/bin/") || strings.HasPrefix(p, "/bin/")) {
					t.Skip("go is in /usr/bin or /bin: cannot hide it")
				}
				path = "/usr/bin:/bin"
			} else if goErr == nil {
				path = filepath.Dir(goBin) + ":" + path
			}
			outFile := filepath.Join(tmp, "github_output")
			scriptFile := filepath.Join(tmp, "install.sh")
			if err := os.WriteFile(scriptFile, []byte(script), 0o644); err != nil {
				t.Fatal(err)
			}
			env := []string{
				"PATH=" + path,
				"VERSION=" + tt.version,
				"ACTION_REF=" + tt.ref,
				"ACTION_REPOSITORY=o/r",
				"ACTION_PATH=" + fakeSource(t),
				"SERVER_URL=" + srv.URL,
				"API_URL=" + srv.URL + "/api",
				"GITHUB_TOKEN=token-123",
				"GITHUB_OUTPUT=" + outFile,
				"RUNNER_OS=Linux",
				"RUNNER_ARCH=X64",
				"RUNNER_TEMP=" + temp,
				"RUNNER_TOOL_CACHE=" + cache,
				"GOTOOLCHAIN=local",
				"GOFLAGS=",
			}
			for _, kv := range os.Environ() { // Go's caches and home, for the source build
				if k, _, _ := strings.Cut(kv, "="); k == "HOME" || k == "GOCACHE" || k == "GOPATH" || k == "GOMODCACHE" {
					env = append(env, kv)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			// As GitHub runs a bash step: bash --noprofile --norc -eo pipefail {0}
			cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", scriptFile)
			cmd.Env = env
			cmd.Dir = tmp
			out, err := cmd.CombinedOutput()

			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("install succeeded, want failure with %q; output:\n%s", tt.wantErr, out)
				}
				if !strings.Contains(string(out), "::error title=codearts-runner::") || !strings.Contains(string(out), tt.wantErr) {
					t.Fatalf("output lacks an ::error with %q:\n%s", tt.wantErr, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("install failed: %v; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), tt.wantRun) {
				t.Errorf("output lacks %q (the installed binary's answer to `version`):\n%s", tt.wantRun, out)
			}
			outputs, err := os.ReadFile(outFile)
			if err != nil {
				t.Fatalf("no GITHUB_OUTPUT written: %v", err)
			}
			bin, ok := strings.CutPrefix(strings.TrimSpace(string(outputs)), "path=")
			if !ok {
				t.Fatalf("GITHUB_OUTPUT = %q, want path=...", outputs)
			}
			if tt.wantCached != "" {
				want := filepath.Join(cache, "codearts-runner", tt.wantCached, "amd64", "runner")
				if bin != want {
					t.Errorf("path = %s, want %s", bin, want)
				}
				if _, err := os.Stat(filepath.Join(cache, "codearts-runner", tt.wantCached, "amd64.complete")); err != nil {
					t.Errorf("tool cache not marked complete: %v", err)
				}
			}
			if tt.wantNoDL && downloads.Load() != 0 {
				t.Errorf("%d downloads, want none (the tool cache has the release)", downloads.Load())
			}
			if res, err := exec.CommandContext(ctx, bin, "version").CombinedOutput(); err != nil || !strings.Contains(string(res), tt.wantRun) {
				t.Errorf("running %s: %v, output %q, want %q", bin, err, res, tt.wantRun)
			}
		})
	}
}

// TestActionRunScript runs the run step of action.yml: it checks the mode and execs the binary
// with the mode as subcommand, with the inputs as CODEARTS_* variables.
func TestActionRunScript(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("tested on Unix")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	script := readAction(t).step(t, "run").Run
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "runner")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho \"args=$* task=$CODEARTS_TASK pid=$$\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	scriptFile := filepath.Join(tmp, "run.sh")
	if err := os.WriteFile(scriptFile, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		mode     string
		wantCode int
		want     string
	}{
		{"perftest", 0, "args=perftest task=smoke"},
		{"testplan", 0, "args=testplan task=smoke"},
		{"taskmodel", 0, "args=taskmodel task=smoke"},
		{"workflow", 0, "args=workflow task=smoke"},
		{"perftest --debug", 2, "input mode must be perftest, testplan, taskmodel or workflow"},
		{"", 2, "input mode must be"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", scriptFile)
			cmd.Env = []string{"PATH=/usr/bin:/bin", "ACTION_BINARY=" + bin, "ACTION_MODE=" + tt.mode, "CODEARTS_TASK=smoke"}
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode || !strings.Contains(string(out), tt.want) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, out, tt.wantCode, tt.want)
			}
			// exec: the binary replaces bash (same process id), so signals reach it.
			if tt.wantCode == 0 && !strings.Contains(string(out), fmt.Sprintf("pid=%d", cmd.Process.Pid)) {
				t.Errorf("binary ran in another process than the step's shell (pid %d): %q", cmd.Process.Pid, out)
			}
		})
	}
}
