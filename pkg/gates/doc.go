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
//	metric                     unit  CPTS report field
//	-------------------------  ----  ----------------------------------------------
//	avg_rt                     ms    averageRespTime (outline avgResponseTime)
//	min_rt                     ms    min
//	max_rt                     ms    max
//	p50 p75 p90 p95 p99        ms    tp50 tp75 tp90 tp95 tp99
//	p99.9 p99.99               ms    tp999 tp9999
//	tps                        /s    tps
//	success_rate               %     successRate
//	error_rate                 %     derived: errorCount / requests × 100, else 100 − successRate
//	requests                         requests (else successCount + errorCount)
//	successes                        successCount
//	errors                           errorCount
//	failed_assert                    failedAssert
//	failed_timeout                   failedTimeout
//	failed_refused                   failedRefused
//	failed_parsed                    failedParsed
//	failed_others                    failedOthers
//	http_1xx … http_5xx              sum1xx … sum5xx
//	avg_recv_bytes             B     avgRecBytes
//	avg_sent_bytes             B     avgSentBytes
//	max_recv_bytes             B     maxRecBytes
//	max_sent_bytes             B     maxSentBytes
//	max_concurrency                  currentThreadNum (outline maxUsers)
//	vum                              vum
//	transactions                     transactions
//	transaction_tps            /s    tranTPS
//	transaction_success_rate   %     transactionalSuccessRate
//	error_events                     errorEventsCount
//	duration                   ms    outline duration (s × 1000); per case endTime − startTime
//
// Catalog lists them with descriptions; CPTSFields, MetricFromCPTS and
// FromCPTS map report fields to metrics; Aggregate documents how the overall
// value of each metric is derived from the cases.
//
// # Verdicts
//
// Evaluate returns one Evaluation per gate: Pass, Fail, Warn (a warn: gate that
// would fail) or Skip (a baseline gate without a baseline value, unless
// EvalOptions.BaselineRequired). A run that produced no requests never
// passes: Evaluate prepends a failing result for NoDataGate. CheckAbort
// decides whether a live run must be stopped early.
package gates
