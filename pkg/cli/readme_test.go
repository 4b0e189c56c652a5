package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestREADMETablesAreCurrent keeps the README's generated tables in step with the code.
func TestREADMETablesAreCurrent(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, what := range []string{"settings", "metrics"} {
		var out bytes.Buffer
		code := Main(context.Background(), Env{Args: []string{"docs", what}, Stdout: &out, Stderr: &out})
		if code != 0 || out.Len() == 0 {
			t.Fatalf("runner docs %s: exit %d\n%s", what, code, out.String())
		}
		if !strings.Contains(string(readme), out.String()) {
			t.Errorf("README's %s table is stale: paste the output of `go run ./cmd/runner docs %s`", what, what)
		}
	}
}
