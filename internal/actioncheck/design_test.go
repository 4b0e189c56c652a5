package actioncheck

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDesignPackageTable keeps the package table of docs/design.md in step with the module's
// packages (`go list ./...`): every package has its row, and no row names a package that is gone.
func TestDesignPackageTable(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/design.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := designPackages(string(doc))
	if len(documented) == 0 {
		t.Fatal("docs/design.md has no package table (| `path` | one job |)")
	}
	cmd := exec.Command("go", "list", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	const module = "github.com/codearts-runner/codearts-runner/"
	var listed []string
	for _, line := range strings.Fields(string(out)) {
		listed = append(listed, strings.TrimPrefix(line, module))
	}
	for _, p := range listed {
		if !slices.Contains(documented, p) {
			t.Errorf("package %s has no row in the package table of docs/design.md", p)
		}
	}
	for _, p := range documented {
		if !slices.Contains(listed, p) {
			t.Errorf("docs/design.md names package %s, which go list does not know", p)
		}
	}
}

// designPackages returns the packages of the first table of a design document: the rows whose
// first cell is a code span.
func designPackages(doc string) []string {
	var pkgs []string
	inTable := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "| package |") {
			inTable = true
			continue
		}
		if !inTable {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		first := strings.TrimSpace(cells[1])
		if strings.HasPrefix(first, "`") && strings.HasSuffix(first, "`") {
			pkgs = append(pkgs, strings.Trim(first, "`"))
		}
	}
	return pkgs
}

// TestLayering keeps the dependency rules of the design (`go list -deps`): the report renderers
// import neither the flows (pkg/steps), the settings (pkg/config) nor the wire types (pkg/api and
// below), and the gate language knows no API client — the CPTS field mapping lives beside the
// CPTS client, which imports gates, not the other way round.
func TestLayering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pkg       string
		forbidden []string // a dependency equal to one of these or below it (path + "/") breaks the rule
	}{
		{"pkg/report", []string{"pkg/steps", "pkg/config", "pkg/api"}},
		{"pkg/gates", []string{"pkg/api", "pkg/steps", "pkg/config"}},
	}
	const module = "github.com/codearts-runner/codearts-runner/"
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./"+tt.pkg)
			cmd.Dir = "../.."
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps ./%s: %v", tt.pkg, err)
			}
			deps := strings.Fields(string(out))
			if !slices.Contains(deps, module+tt.pkg) {
				t.Fatalf("go list -deps ./%s does not list the package itself:\n%s", tt.pkg, out)
			}
			for _, d := range deps {
				rel, ok := strings.CutPrefix(d, module)
				if !ok {
					continue
				}
				for _, f := range tt.forbidden {
					if rel == f || strings.HasPrefix(rel, f+"/") {
						t.Errorf("%s depends on %s (go list -deps); it must not depend on %s or below", tt.pkg, rel, f)
					}
				}
			}
		})
	}
}
