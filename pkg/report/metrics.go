package report

import "github.com/codearts-runner/codearts-runner/pkg/gates"

// Metrics are the figures of the run, a case or a request: the gates' compact Metrics (one
// slot per catalogue metric, no map). They encode as a JSON object in the order of the gates'
// catalogue, non-finite values left out, without the map sorting and reflection of
// encoding/json: a big result file holds tens of thousands of them.
type Metrics = gates.Metrics
