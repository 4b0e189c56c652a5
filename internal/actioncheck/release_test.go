package actioncheck

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestReleasePublishesTheImageTheDocsPull: the release workflow builds and pushes the container
// image for linux/amd64 and linux/arm64 with the docker actions pinned to a release, tagged
// X.Y.Z, X.Y and X; every image the README and the example pipelines pull is that image under
// one of those tags (actionlint checks the workflow itself in TestActionlint).
func TestReleasePublishesTheImageTheDocsPull(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "release.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`@(v\d+\.\d+\.\d+|[0-9a-f]{40})$`)
	with := map[string]map[string]string{}
	var job string
	for name, j := range wf.Jobs {
		for _, s := range j.Steps {
			action, _, _ := strings.Cut(s.Uses, "@")
			if !strings.HasPrefix(action, "docker/") {
				continue
			}
			job = name
			if !pinned.MatchString(s.Uses) {
				t.Errorf("%s is not pinned to a release (vX.Y.Z or a commit)", s.Uses)
			}
			with[action] = s.With
		}
	}
	for _, a := range []string{"docker/setup-qemu-action", "docker/setup-buildx-action", "docker/login-action", "docker/metadata-action", "docker/build-push-action"} {
		if _, ok := with[a]; !ok {
			t.Errorf("the release workflow does not use %s", a)
		}
	}
	if t.Failed() {
		return
	}
	if wf.Jobs[job].Permissions["packages"] != "write" {
		t.Errorf("job %s cannot push: permissions %v", job, wf.Jobs[job].Permissions)
	}
	bp := with["docker/build-push-action"]
	platforms := strings.Split(strings.ReplaceAll(bp["platforms"], " ", ""), ",")
	slices.Sort(platforms)
	if !slices.Equal(platforms, []string{"linux/amd64", "linux/arm64"}) || bp["push"] != "true" || !strings.Contains(bp["tags"], "steps.meta.outputs.tags") {
		t.Errorf("build-push-action: platforms %v, push %q, tags %q", platforms, bp["push"], bp["tags"])
	}
	meta := with["docker/metadata-action"]
	for _, p := range []string{"{{version}}", "{{major}}.{{minor}}", "{{major}}"} {
		if !strings.Contains(meta["tags"], "type=semver,pattern="+p+"\n") {
			t.Errorf("metadata-action tags lack type=semver,pattern=%s:\n%s", p, meta["tags"])
		}
	}
	if meta["images"] != "ghcr.io/${{ github.repository }}" {
		t.Errorf("metadata-action images = %q", meta["images"])
	}
	// The repository the image is published from, as the Dockerfile's source label says.
	dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	src := regexp.MustCompile(`org.opencontainers.image.source="https://github.com/([^"]+)"`).FindSubmatch(dockerfile)
	if src == nil {
		t.Fatal("the Dockerfile has no org.opencontainers.image.source label")
	}
	image := "ghcr.io/" + strings.ToLower(string(src[1]))
	// A pull names a released tag (1, 1.4, 1.4.2); prose may name the image alone or X.Y.Z.
	tag := regexp.MustCompile(`^(\d+(\.\d+){0,2}|X(\.Y(\.Z)?)?)?$`)
	pulls := 0
	for _, f := range []string{"README.md", "Dockerfile", filepath.Join("examples", "workflows", ".gitlab-ci.yml"), filepath.Join("examples", "workflows", "Jenkinsfile")} {
		text, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`ghcr\.io/[a-z0-9./_-]+(?::[A-Za-z0-9._-]+)?`).FindAllString(string(text), -1) {
			name, ref, _ := strings.Cut(m, ":")
			if name != image || !tag.MatchString(ref) {
				t.Errorf("%s pulls %s: the release publishes %s:X.Y.Z, :X.Y and :X", f, m, image)
			}
			pulls++
		}
	}
	if pulls == 0 {
		t.Error("no document pulls the image")
	}
}
