package gates

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseNode parses the value of a `gates:` key found in another YAML file
// (e.g. a PerfTest definition): a list of gates in the syntax of a gates
// file's `gates:` list. Problems carry the node's line and column in that
// file (src is that file's text); no problems and no gates means the list was empty.
func (ps Parser) ParseNode(n *yaml.Node, src []byte) ([]Gate, []Problem) {
	fp := &fileParser{lines: strings.Split(string(src), "\n"), ps: ps}
	gs := fp.gateList(resolve(n), "")
	return gs, fp.probs
}
