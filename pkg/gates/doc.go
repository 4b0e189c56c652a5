// Package gates is the gate language of codearts-runner: the catalogue of
// report metrics, their aggregation over the cases of a run, the parser of
// gates (inline text and YAML files) and their evaluation on a run, with an
// optional baseline run. It is pure: no I/O, no network, no environment.
//
// # Gates
//
// A gate is a threshold on one metric, one per line or `;`-separated, `#`
// comments:
//
//	p95 <= 750ms
//	error_rate < 1%; tps >= 100/s
//	warn: case "Checkout": p99 <= 1.5s
//	case "Checkout" request "POST /cart": avg_rt < 300ms, abort after 2m
//	p95 <= baseline + 10%
//	success_rate >= baseline - 0.5pp
//	p95 <= trend median + 15%
//
// See Parse for the grammar and ParseFile for the YAML form. Every gate
// prints back in a normalised form (Gate.String) that parses to the same
// gate.
//
// # Metrics
//
// Values are kept in canonical units: time in ms, rates in percent (0–100),
// throughput per second, sizes in bytes, counts plain, duration in ms.
//
// Catalog lists the metrics with their units and descriptions; Aggregate
// documents how the overall value of each metric is derived from the cases.
//
// gates knows no report format. A FieldMap maps a format's field names to
// metrics; the package that reads the format builds it (pkg/api/cpts holds
// the CPTS table and the report field each metric comes from, which
// `runner gates --list` prints). A Parser given that FieldMap refuses a
// field name written for a metric with the metric meant.
//
// # Verdicts
//
// Evaluate returns one Evaluation per gate: Pass, Fail, Warn (a warn: gate that
// would fail) or Skip (a baseline gate without a baseline value, unless
// EvalOptions.BaselineRequired). A run that produced no requests never
// passes: Evaluate prepends a failing result for NoDataGate. CheckAbort
// decides whether a live run must be stopped early.
package gates
