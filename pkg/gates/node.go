package gates

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseNode parses the value of a `gates:` key found in another YAML file
// (e.g. a PerfTest definition): a list of gates in the syntax of a gates
// file's `gates:` list. Problems carry the node's line and column in that
// file (src is that file's text); no problems and no gates means the list was empty.
//
// ParseNode is Parser{}.ParseNode (no report format's field names known).
func ParseNode(n *yaml.Node, src []byte) ([]Gate, []Problem) { return Parser{}.ParseNode(n, src) }

// ParseNode parses a `gates:` list inside another YAML file, as the package
// function ParseNode documents.
func (ps Parser) ParseNode(n *yaml.Node, src []byte) ([]Gate, []Problem) {
	fp := &fileParser{lines: strings.Split(string(src), "\n"), ps: ps}
	gs := fp.gateList(resolve(n), "")
	return gs, fp.probs
}

// Suggest returns the candidates closest to word (case-insensitive edit
// distance, as gate names are matched), or nil when none is close.
func Suggest(word string, candidates []string) []string { return suggest(word, candidates) }

// DidYouMean formats suggestions as ` (did you mean "a" or "b"?)`; "" for none.
func DidYouMean(s []string) string { return didYouMean(s) }
