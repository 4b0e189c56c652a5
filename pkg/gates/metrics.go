package gates

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Request is one request (CPTS "AW" row, detailDatas[]) of a case. The result
// file carries it as is (report.Request is this type, so a big run's rows are
// not copied): the JSON tags are the result file's field names.
type Request struct {
	// Name is the request name as reported.
	Name string `json:"name"`
	// Metrics are the request's figures.
	Metrics Metrics `json:"metrics"`
}

// Case is one case of a run with its own figures and those of its requests.
type Case struct {
	// Name is the case name as reported; scoped gates match it exactly.
	Name string
	// Status is the CPTS case run status code, as reported.
	Status int
	// Metrics are the case's figures.
	Metrics Metrics
	// Requests are the case's requests.
	Requests []Request
}

// Run is one task run: the unit gates are evaluated on.
type Run struct {
	// ID is the CPTS task run id (shown in baseline messages).
	ID int64
	// Cases are the cases of the run.
	Cases []Case
}

// Dimension is the physical kind of a metric. It decides the canonical unit
// of the metric's values and which units a gate value may carry.
type Dimension int

const (
	// DimTime is a time, canonical unit milliseconds; units ms, s, m (or
	// min) and h.
	DimTime Dimension = iota + 1
	// DimRate is a percentage 0–100, canonical unit %.
	DimRate
	// DimThroughput is a rate per second, canonical unit /s.
	DimThroughput
	// DimBytes is a size, canonical unit bytes; units B, KB, MB and GB
	// (binary multiples: 1 KB = 1024 B).
	DimBytes
	// DimCount is a plain number without unit.
	DimCount
)

// String returns the dimension's name: time, rate, throughput, bytes or count.
func (d Dimension) String() string {
	switch d {
	case DimTime:
		return "time"
	case DimRate:
		return "rate"
	case DimThroughput:
		return "throughput"
	case DimBytes:
		return "bytes"
	case DimCount:
		return "count"
	}
	return "unknown"
}

// Unit returns the canonical unit of the dimension as written after a value:
// "ms", "%", "/s", "B", or "" for counts.
func (d Dimension) Unit() string {
	switch d {
	case DimTime:
		return "ms"
	case DimRate:
		return "%"
	case DimThroughput:
		return "/s"
	case DimBytes:
		return "B"
	}
	return ""
}

// aggKind says how Aggregate merges a metric across cases.
type aggKind int

const (
	aggSum            aggKind = iota + 1 // sum over the cases that report it
	aggMin                               // min over cases with requests
	aggMax                               // max over cases with requests
	aggMaxAll                            // max over every case
	aggPercentile                        // max over cases with requests (upper bound)
	aggMeanByRequests                    // request-weighted mean
	aggMeanByTrans                       // transaction-weighted mean
	aggSuccessRate                       // successes / requests × 100
	aggErrorRate                         // errors / requests × 100
)

// MetricInfo describes one metric of the catalogue.
type MetricInfo struct {
	// Name is the metric name used in gates, e.g. "p95".
	Name string
	// Dimension decides the canonical unit and the legal units.
	Dimension Dimension
	// Unit is the canonical unit of the metric's values ("ms", "%", "/s",
	// "B" or "" for counts).
	Unit string
	// Description says what the metric measures.
	Description string
	// Aggregation says how the overall (unscoped) value is derived from the
	// cases of a run.
	Aggregation string
	// Monotonic is true when the value can only grow during a run (counts,
	// maxima, duration); CheckAbort uses it to tell a lost gate from one
	// that can still be won.
	Monotonic bool

	agg aggKind
}

// catalog is the metric catalogue in display order. A metric's position is
// its slot in Metrics, and the order of Metrics' JSON (result file) keys.
var catalog = [...]MetricInfo{
	{Name: "avg_rt", Dimension: DimTime, Description: "average response time", Aggregation: "request-weighted mean", agg: aggMeanByRequests},
	{Name: "min_rt", Dimension: DimTime, Description: "minimum response time", Aggregation: "min over cases with requests", agg: aggMin},
	{Name: "max_rt", Dimension: DimTime, Description: "maximum response time", Aggregation: "max over cases with requests", Monotonic: true, agg: aggMax},
	{Name: "p50", Dimension: DimTime, Description: "50th percentile (median) response time", Aggregation: percentileAgg, agg: aggPercentile},
	{Name: "p75", Dimension: DimTime, Description: "75th percentile response time", Aggregation: percentileAgg, agg: aggPercentile},
	{Name: "p90", Dimension: DimTime, Description: "90th percentile response time", Aggregation: percentileAgg, agg: aggPercentile},
	{Name: "p95", Dimension: DimTime, Description: "95th percentile response time", Aggregation: percentileAgg, agg: aggPercentile},
	{Name: "p99", Dimension: DimTime, Description: "99th percentile response time", Aggregation: percentileAgg, agg: aggPercentile},
	{Name: "p99.9", Dimension: DimTime, Description: "99.9th percentile response time", Aggregation: percentileAgg, agg: aggPercentile},
	{Name: "p99.99", Dimension: DimTime, Description: "99.99th percentile response time", Aggregation: percentileAgg, agg: aggPercentile},
	{Name: "tps", Dimension: DimThroughput, Description: "requests per second", Aggregation: "sum (cases run in parallel)", agg: aggSum},
	{Name: "success_rate", Dimension: DimRate, Description: "successful requests in percent", Aggregation: "Σ successes / Σ requests × 100", agg: aggSuccessRate},
	{Name: "error_rate", Dimension: DimRate, Description: "failed requests in percent", Aggregation: "Σ errors / Σ requests × 100", agg: aggErrorRate},
	{Name: "requests", Dimension: DimCount, Description: "requests sent", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "successes", Dimension: DimCount, Description: "successful requests", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "errors", Dimension: DimCount, Description: "failed requests", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "failed_assert", Dimension: DimCount, Description: "requests failed by an assertion", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "failed_timeout", Dimension: DimCount, Description: "requests timed out", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "failed_refused", Dimension: DimCount, Description: "connections refused", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "failed_parsed", Dimension: DimCount, Description: "responses that could not be parsed", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "failed_others", Dimension: DimCount, Description: "requests failed for other reasons", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "http_1xx", Dimension: DimCount, Description: "1xx answers", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "http_2xx", Dimension: DimCount, Description: "2xx answers", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "http_3xx", Dimension: DimCount, Description: "3xx answers", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "http_4xx", Dimension: DimCount, Description: "4xx answers", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "http_5xx", Dimension: DimCount, Description: "5xx answers", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "avg_recv_bytes", Dimension: DimBytes, Description: "average bytes received per request", Aggregation: "request-weighted mean", agg: aggMeanByRequests},
	{Name: "avg_sent_bytes", Dimension: DimBytes, Description: "average bytes sent per request", Aggregation: "request-weighted mean", agg: aggMeanByRequests},
	{Name: "max_recv_bytes", Dimension: DimBytes, Description: "largest response received", Aggregation: "max over cases with requests", Monotonic: true, agg: aggMax},
	{Name: "max_sent_bytes", Dimension: DimBytes, Description: "largest request sent", Aggregation: "max over cases with requests", Monotonic: true, agg: aggMax},
	{Name: "max_concurrency", Dimension: DimCount, Description: "concurrent virtual users", Aggregation: "sum (cases run in parallel)", agg: aggSum},
	{Name: "vum", Dimension: DimCount, Description: "virtual user minutes (minutes × concurrency)", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "transactions", Dimension: DimCount, Description: "transactions run", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "transaction_tps", Dimension: DimThroughput, Description: "transactions per second", Aggregation: "sum (cases run in parallel)", agg: aggSum},
	{Name: "transaction_success_rate", Dimension: DimRate, Description: "successful transactions in percent", Aggregation: "transaction-weighted mean", agg: aggMeanByTrans},
	{Name: "error_events", Dimension: DimCount, Description: "ERROR-level events", Aggregation: "sum", Monotonic: true, agg: aggSum},
	{Name: "duration", Dimension: DimTime, Description: "run or case length", Aggregation: "max over every case", Monotonic: true, agg: aggMaxAll},
}

const percentileAgg = "max over cases with requests (an upper bound: percentiles cannot be merged exactly)"

// numMetrics is the size of the catalogue: the number of slots of Metrics.
const numMetrics = len(catalog)

// Metrics keeps presence in one uint64: the catalogue must not outgrow it (a
// negative array length does not compile).
var _ [64 - numMetrics]struct{}

// metricIndex maps a metric name to its position in catalog.
var metricIndex = func() map[string]int {
	m := make(map[string]int, len(catalog))
	for i := range catalog {
		catalog[i].Unit = catalog[i].Dimension.Unit()
		m[catalog[i].Name] = i
	}
	return m
}()

// byName indexes catalog by metric name.
var byName = func() map[string]*MetricInfo {
	m := make(map[string]*MetricInfo, len(catalog))
	for name, i := range metricIndex {
		m[name] = &catalog[i]
	}
	return m
}()

// Positions of the metrics the package derives or weighs by.
var (
	idxRequests     = mustIndex("requests")
	idxSuccesses    = mustIndex("successes")
	idxErrors       = mustIndex("errors")
	idxSuccessRate  = mustIndex("success_rate")
	idxErrorRate    = mustIndex("error_rate")
	idxTransactions = mustIndex("transactions")
)

// mustIndex returns the position of a catalogue metric; it panics (at
// initialisation) on a name the catalogue lacks.
func mustIndex(name string) int {
	i, ok := metricIndex[name]
	if !ok {
		panic("gates: metric " + name + " is not in the catalogue")
	}
	return i
}

// Catalog returns every metric a gate may use, in display order (a fresh
// copy: callers may modify it).
func Catalog() []MetricInfo {
	return slices.Clone(catalog[:])
}

// Lookup returns the catalogue entry of a metric name.
func Lookup(name string) (MetricInfo, bool) {
	if i, ok := metricIndex[name]; ok {
		return catalog[i], true
	}
	return MetricInfo{}, false
}

// metricNames returns every metric name in catalogue order.
func metricNames() []string {
	names := make([]string, len(catalog))
	for i, m := range catalog {
		names[i] = m.Name
	}
	return names
}

// unitInfo is one unit a value may carry.
type unitInfo struct {
	name   string    // normalised spelling
	dim    Dimension // dimension it belongs to
	factor float64   // canonical units per unit
	delta  bool      // only legal in a baseline delta (pp)
}

// units lists every unit, keyed by lower-case spelling.
var units = map[string]unitInfo{
	"ms":  {"ms", DimTime, 1, false},
	"s":   {"s", DimTime, 1000, false},
	"m":   {"m", DimTime, 60_000, false},
	"min": {"m", DimTime, 60_000, false},
	"h":   {"h", DimTime, 3_600_000, false},
	"%":   {"%", DimRate, 1, false},
	"pp":  {"pp", DimRate, 1, true},
	"/s":  {"/s", DimThroughput, 1, false},
	"b":   {"B", DimBytes, 1, false},
	"kb":  {"KB", DimBytes, 1 << 10, false},
	"mb":  {"MB", DimBytes, 1 << 20, false},
	"gb":  {"GB", DimBytes, 1 << 30, false},
}

// unitSpellings are the accepted unit spellings, for suggestions.
var unitSpellings = []string{"ms", "s", "m", "min", "h", "%", "pp", "/s", "B", "KB", "MB", "GB"}

// lookupUnit finds a unit by any capitalisation of its spelling.
func lookupUnit(s string) (unitInfo, bool) {
	u, ok := units[strings.ToLower(s)]
	return u, ok
}

// unitsOf lists the units legal for values of a dimension (delta adds pp
// for rates).
func unitsOf(d Dimension, delta bool) []string {
	switch d {
	case DimTime:
		return []string{"ms", "s", "m", "min", "h"}
	case DimRate:
		if delta {
			return []string{"% (relative)", "pp (percentage points)"}
		}
		return []string{"%"}
	case DimThroughput:
		return []string{"/s"}
	case DimBytes:
		return []string{"B", "KB", "MB", "GB"}
	}
	return []string{"none (a plain number)"}
}

// FormatFigure writes a figure for progress lines and summaries: at most two decimals, no
// trailing zeros ("41.3", "99.95", "2240"); a figure of 10¹⁵ or more (only an implausible
// report sends one) in exponent form ("1e+308"), not as its 300 digits.
func FormatFigure(v float64) string {
	if math.Abs(v) >= 1e15 {
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// FormatWithUnit writes a figure as FormatFigure does, followed by its canonical unit: "812 ms",
// "99.5%", "120/s", "2048 B", "17".
func FormatWithUnit(v float64, unit string) string { return withUnit(FormatFigure(v), unit) }

// withUnit appends a canonical unit to a formatted figure: glued for "%" and "/s", after a
// space for the others.
func withUnit(figure, unit string) string {
	if unit == "" || unit == "%" || unit == "/s" {
		return figure + unit
	}
	return figure + " " + unit
}
