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
