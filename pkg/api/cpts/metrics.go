package cpts

import (
	"reflect"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// This file is the one place that spells the CPTS report figures' field
// names — the rows (PerformanceInfo / DetailDataInfo) and the run summary
// (Outline): the struct tags of PerfMetrics and Outline decode them, Each walks them, and metricTable maps them to gate metrics. The gate
// mapping (GateFields), the generated docs (MetricSource) and the simulator's
// rows (RowField) derive from metricTable; nothing else names them. pkg/gates
// knows no CPTS name: it receives them as a gates.FieldMap.

// MetricField maps one CPTS report field to a gate metric.
type MetricField struct {
	// Field is the report's JSON field name, e.g. "tp95".
	Field string
	// Metric is the gate metric name, e.g. "p95".
	Metric string
	// Scale multiplies the reported value into the metric's canonical unit
	// (1000 for outline.duration, reported in seconds).
	Scale float64
}

// metricTable maps every field of a report row (PerformanceInfo /
// DetailDataInfo) plus the aliases of the report outline to gate metrics.
// error_rate has no field: the gates derive it.
var metricTable = []MetricField{
	{"averageRespTime", "avg_rt", 1},
	{"min", "min_rt", 1},
	{"max", "max_rt", 1},
	{"tp50", "p50", 1},
	{"tp75", "p75", 1},
	{"tp90", "p90", 1},
	{"tp95", "p95", 1},
	{"tp99", "p99", 1},
	{"tp999", "p99.9", 1},
	{"tp9999", "p99.99", 1},
	{"tps", "tps", 1},
	{"successRate", "success_rate", 1},
	{"successCount", "successes", 1},
	{"errorCount", "errors", 1},
	{"requests", "requests", 1},
	{"failedAssert", "failed_assert", 1},
	{"failedTimeout", "failed_timeout", 1},
	{"failedRefused", "failed_refused", 1},
	{"failedParsed", "failed_parsed", 1},
	{"failedOthers", "failed_others", 1},
	{"sum1xx", "http_1xx", 1},
	{"sum2xx", "http_2xx", 1},
	{"sum3xx", "http_3xx", 1},
	{"sum4xx", "http_4xx", 1},
	{"sum5xx", "http_5xx", 1},
	{"avgRecBytes", "avg_recv_bytes", 1},
	{"avgSentBytes", "avg_sent_bytes", 1},
	{"maxRecBytes", "max_recv_bytes", 1},
	{"maxSentBytes", "max_sent_bytes", 1},
	{"currentThreadNum", "max_concurrency", 1},
	{"vum", "vum", 1},
	{"transactions", "transactions", 1},
	{"tranTPS", "transaction_tps", 1},
	{"transactionalSuccessRate", "transaction_success_rate", 1},
	{"errorEventsCount", "error_events", 1},
	// Outline (run summary) spellings.
	{"avgResponseTime", "avg_rt", 1},
	{"maxUsers", "max_concurrency", 1},
	{"duration", "duration", 1000},
}

// metricSources says, per gate metric, where the value comes from in a CPTS
// report: the text of the "CPTS report field" column of the generated docs.
var metricSources = map[string]string{
	"avg_rt":                   "averageRespTime (outline: avgResponseTime)",
	"min_rt":                   "min",
	"max_rt":                   "max",
	"p50":                      "tp50",
	"p75":                      "tp75",
	"p90":                      "tp90",
	"p95":                      "tp95",
	"p99":                      "tp99",
	"p99.9":                    "tp999",
	"p99.99":                   "tp9999",
	"tps":                      "tps",
	"success_rate":             "successRate",
	"error_rate":               "derived: errorCount / requests × 100, else 100 − successRate",
	"requests":                 "requests (else successCount + errorCount)",
	"successes":                "successCount",
	"errors":                   "errorCount",
	"failed_assert":            "failedAssert",
	"failed_timeout":           "failedTimeout",
	"failed_refused":           "failedRefused",
	"failed_parsed":            "failedParsed",
	"failed_others":            "failedOthers",
	"http_1xx":                 "sum1xx",
	"http_2xx":                 "sum2xx",
	"http_3xx":                 "sum3xx",
	"http_4xx":                 "sum4xx",
	"http_5xx":                 "sum5xx",
	"avg_recv_bytes":           "avgRecBytes",
	"avg_sent_bytes":           "avgSentBytes",
	"max_recv_bytes":           "maxRecBytes",
	"max_sent_bytes":           "maxSentBytes",
	"max_concurrency":          "currentThreadNum (outline: maxUsers)",
	"vum":                      "vum",
	"transactions":             "transactions",
	"transaction_tps":          "tranTPS",
	"transaction_success_rate": "transactionalSuccessRate",
	"error_events":             "errorEventsCount",
	"duration":                 "outline.duration (seconds × 1000); per case endTime − startTime",
}

// MetricSource describes where a gate metric comes from in a CPTS report
// (for the docs), or "" for a metric CPTS does not report.
func MetricSource(metric string) string { return metricSources[metric] }

// gateFields is metricTable as the gates package reads it.
var gateFields = func() *gates.FieldMap {
	rows := make([]gates.FieldMetric, len(metricTable))
	for i, f := range metricTable {
		rows[i] = gates.FieldMetric(f)
	}
	fm, err := gates.NewFieldMap("CPTS", rows)
	if err != nil {
		panic("cpts: metric table: " + err.Error())
	}
	return fm
}()

// GateFields returns the CPTS field names as gates maps them to metrics
// (metricTable, shared and immutable): give it to gates.Parser so that a
// CPTS field name written for a metric is refused with the metric meant.
func GateFields() *gates.FieldMap { return gateFields }

// GateMetrics returns the row's figures as gate metrics: mapped through
// metricTable, scaled, NaN dropped, then completed as gates.Complete does
// (requests, success_rate and error_rate derived where the row leaves them
// out). It is GateFields().Metrics(m.Fields()) without building the map (a
// big report has tens of thousands of rows).
func (m PerfMetrics) GateMetrics() gates.Metrics {
	var out gates.Metrics
	m.Each(func(field string, v float64) { gateFields.Add(&out, field, v) })
	gates.Complete(&out)
	return out
}

// PerfMetrics are the figures of a case (PerformanceInfo) or of one request
// (DetailDataInfo). Times are milliseconds, rates percent (0–100).
type PerfMetrics struct {
	// Name is the case or request name.
	Name string `json:"name"`
	// StartTime is the start time as sent (RFC 3339).
	StartTime string `json:"startTime"`
	// EndTime is the end time as sent (RFC 3339).
	EndTime string `json:"endTime"`
	// CreateTime is the row's creation time as sent.
	CreateTime string `json:"createTime"`
	// UpdateTime is the row's update time as sent.
	UpdateTime string `json:"updateTime"`
	// ID is the row id as sent.
	ID string `json:"id"`
	// DetailID is the detail id as sent.
	DetailID string `json:"detailId"`
	// CaseURI is the case URI as sent.
	CaseURI string `json:"caseUri"`
	// TestCaseURI is the case id as sent (`testCaseUri`).
	TestCaseURI string `json:"testCaseUri"`
	// TaskID is "task_round" as sent (`taskId`).
	TaskID string `json:"taskId"`
	// TaskProjectID is the task id as sent (`taskProjectId`).
	TaskProjectID string `json:"taskProjectId"`
	// TransactionID is the transaction id as sent.
	TransactionID string `json:"transactionId"`
	// IsAW reports whether the row is an AW (request) row.
	IsAW bool `json:"isAW"`

	// AverageRespTime is the average response time (ms).
	AverageRespTime Number `json:"averageRespTime"`
	// Min is the minimum response time (ms).
	Min Number `json:"min"`
	// Max is the maximum response time (ms).
	Max Number `json:"max"`
	// TP50 is the 50th percentile response time (ms).
	TP50 Number `json:"tp50"`
	// TP75 is the 75th percentile response time (ms).
	TP75 Number `json:"tp75"`
	// TP90 is the 90th percentile response time (ms).
	TP90 Number `json:"tp90"`
	// TP95 is the 95th percentile response time (ms).
	TP95 Number `json:"tp95"`
	// TP99 is the 99th percentile response time (ms).
	TP99 Number `json:"tp99"`
	// TP999 is the 99.9th percentile response time (ms).
	TP999 Number `json:"tp999"`
	// TP9999 is the 99.99th percentile response time (ms).
	TP9999 Number `json:"tp9999"`
	// TPS is the throughput (requests per second).
	TPS Number `json:"tps"`
	// SuccessRate is the success rate in percent.
	SuccessRate Number `json:"successRate"`
	// SuccessCount is the number of successful requests.
	SuccessCount Number `json:"successCount"`
	// ErrorCount is the number of failed requests.
	ErrorCount Number `json:"errorCount"`
	// Requests is the number of requests.
	Requests Number `json:"requests"`
	// FailedAssert counts assertion failures.
	FailedAssert Number `json:"failedAssert"`
	// FailedOthers counts other failures.
	FailedOthers Number `json:"failedOthers"`
	// FailedParsed counts parse failures.
	FailedParsed Number `json:"failedParsed"`
	// FailedRefused counts refused connections.
	FailedRefused Number `json:"failedRefused"`
	// FailedTimeout counts timeouts.
	FailedTimeout Number `json:"failedTimeout"`
	// Sum1xx counts 1xx answers.
	Sum1xx Number `json:"sum1xx"`
	// Sum2xx counts 2xx answers.
	Sum2xx Number `json:"sum2xx"`
	// Sum3xx counts 3xx answers.
	Sum3xx Number `json:"sum3xx"`
	// Sum4xx counts 4xx answers.
	Sum4xx Number `json:"sum4xx"`
	// Sum5xx counts 5xx answers.
	Sum5xx Number `json:"sum5xx"`
	// AvgRecBytes is the average received bytes.
	AvgRecBytes Number `json:"avgRecBytes"`
	// AvgSentBytes is the average sent bytes.
	AvgSentBytes Number `json:"avgSentBytes"`
	// MaxRecBytes is the maximum received bytes.
	MaxRecBytes Number `json:"maxRecBytes"`
	// MaxSentBytes is the maximum sent bytes.
	MaxSentBytes Number `json:"maxSentBytes"`
	// AvgNetworkTraffic is the average bandwidth.
	AvgNetworkTraffic Number `json:"avgNetworkTraffic"`
	// MaxNetworkTraffic is the maximum bandwidth.
	MaxNetworkTraffic Number `json:"maxNetworkTraffic"`
	// MinNetworkTraffic is the minimum bandwidth.
	MinNetworkTraffic Number `json:"minNetworkTraffic"`
	// MaxRespTime is the probing result: response time (ms).
	MaxRespTime Number `json:"maxRespTime"`
	// CurrentThreadNum is the maximum concurrency.
	CurrentThreadNum Number `json:"currentThreadNum"`
	// VUM is minutes × concurrency.
	VUM Number `json:"vum"`
	// Transactions is the number of transactions.
	Transactions Number `json:"transactions"`
	// TranTPS is the transaction throughput.
	TranTPS Number `json:"tranTPS"`
	// TransactionalSuccessRate is the transaction success rate in percent.
	TransactionalSuccessRate Number `json:"transactionalSuccessRate"`
	// TransactionSuccess is the number of successful transactions.
	TransactionSuccess Number `json:"transactionSuccess"`
	// AvgTranRespTime is the average transaction response time (ms).
	AvgTranRespTime Number `json:"avgTranRespTime"`
	// MaxTranRespTime is the maximum transaction response time (ms).
	MaxTranRespTime Number `json:"maxTranRespTime"`
	// TransactionalTps is the custom transaction TPS (also read from the
	// documented spelling "transactionalTpss").
	TransactionalTps Number `json:"transactionalTps"`
	// TransactionalTpsSuccess is the custom transaction success figure (also
	// read from "transactionalTpssSuccess" and "transactionalTpSuccess").
	TransactionalTpsSuccess Number `json:"transactionalTpsSuccess"`
	// ErrorEventsCount counts ERROR-level events.
	ErrorEventsCount Number `json:"errorEventsCount"`
	// Result is the case/AW result code.
	Result Number `json:"result"`
	// Status is the case status code.
	Status Number `json:"status"`
	// TaskStatus is the task status code.
	TaskStatus Number `json:"taskStatus"`

	perfAliases
}

// perfAliases catch the other spellings the vendor documents for two
// fields; unexported so they stay out of the API.
type perfAliases struct {
	TransactionalTpss        Number `json:"transactionalTpss"`
	TransactionalTpssSuccess Number `json:"transactionalTpssSuccess"`
	TransactionalTpSuccess   Number `json:"transactionalTpSuccess"`
}

// Fields returns every reported figure keyed by its JSON field name (the
// PerformanceInfo/DetailDataInfo spelling, e.g. "averageRespTime", "tp99",
// "successRate"); null figures are omitted.
func (m PerfMetrics) Fields() map[string]float64 {
	out := make(map[string]float64, 48)
	m.Each(func(field string, v float64) { out[field] = v })
	return out
}

// Each calls fn with every reported figure and its JSON field name, as Fields does, without
// building a map (a big report has tens of thousands of rows).
func (m PerfMetrics) Each(fn func(field string, v float64)) {
	m.TransactionalTps = firstValid(m.TransactionalTps, m.TransactionalTpss)
	m.TransactionalTpsSuccess = firstValid(m.TransactionalTpsSuccess, m.TransactionalTpssSuccess, m.TransactionalTpSuccess)
	eachNumber(reflect.ValueOf(&m).Elem(), perfNumbers, fn)
}

// numberField is a Number field of a struct: its index and its JSON name.
type numberField struct {
	index int
	name  string
}

// perfNumbers and outlineNumbers are the Number fields of PerfMetrics and Outline in
// declaration order (perfAliases, embedded, left out): their struct tags name the figures.
var perfNumbers, outlineNumbers = numberFields[PerfMetrics](), numberFields[Outline]()

// numberFields lists the direct Number fields of T with their JSON names.
func numberFields[T any]() []numberField {
	t := reflect.TypeFor[T]()
	var out []numberField
	for i := range t.NumField() {
		if f := t.Field(i); f.Type == reflect.TypeFor[Number]() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			out = append(out, numberField{i, name})
		}
	}
	return out
}

// eachNumber calls fn with each valid Number of fields in v (an addressable struct).
func eachNumber(v reflect.Value, fields []numberField, fn func(field string, v float64)) {
	for _, f := range fields {
		if n := v.Field(f.index).Addr().Interface().(*Number); n.Valid {
			fn(f.name, n.Value)
		}
	}
}

// firstValid returns the first valid number of ns, else an invalid one.
func firstValid(ns ...Number) Number {
	for _, n := range ns {
		if n.Valid {
			return n
		}
	}
	return Number{}
}

// RowField returns the report-row field (PerformanceInfo / DetailDataInfo
// spelling) that carries a gate metric, e.g. "tp95" for "p95"; ok is false for
// a metric no row field carries (error_rate, duration).
func RowField(metric string) (field string, ok bool) {
	for _, f := range metricTable[:rowFields] {
		if f.Metric == metric {
			return f.Field, true
		}
	}
	return "", false
}

// OutlineField returns the report outline's field for a gate metric: its
// outline spelling (avgResponseTime, maxUsers, duration), else the row field of
// the same name (successRate, tps). The simulator's outline takes its wire names
// from it.
func OutlineField(metric string) (field string, ok bool) {
	for _, f := range metricTable[rowFields:] {
		if f.Metric == metric {
			return f.Field, true
		}
	}
	return RowField(metric)
}

// rowFields is the number of metricTable rows that are report-row fields;
// the outline spellings follow them.
const rowFields = 35

// Outline is the run summary of a report (`outline`).
type Outline struct {
	// AvgResponseTime is the average response time (ms).
	AvgResponseTime Number `json:"avgResponseTime"`
	// SuccessRate is the success rate in percent.
	SuccessRate Number `json:"successRate"`
	// TPS is the throughput.
	TPS Number `json:"tps"`
	// MaxUsers is the maximum concurrency.
	MaxUsers Number `json:"maxUsers"`
	// Duration is the run's length as sent (`duration`; seconds in the examples).
	Duration Number `json:"duration"`
	// TotalNum is the number of cases.
	TotalNum Number `json:"totalNum"`
	// PassNum is the number of passed cases.
	PassNum Number `json:"passNum"`
	// CompleteNum is the number of completed cases.
	CompleteNum Number `json:"completeNum"`
	// ExecutedNum is the number of executed cases.
	ExecutedNum Number `json:"executedNum"`
	// CaseRetry is the number of case retries.
	CaseRetry Number `json:"caseRetry"`
	// KPICaseCount is the number of KPI cases.
	KPICaseCount Number `json:"kpiCaseCount"`
	// KPICaseExecuteCount is the number of KPI case executions.
	KPICaseExecuteCount Number `json:"kpiCaseExecuteCount"`
	// KPICasePassCount is the number of passed KPI case executions.
	KPICasePassCount Number `json:"kpiCasePassCount"`
	// Stage is the stage id.
	Stage Number `json:"stage"`
	// TaskStatus is the task status code.
	TaskStatus Number `json:"taskStatus"`
	// StageName is the stage name.
	StageName string `json:"stageName"`
	// StartTime is the start time as sent (RFC 3339).
	StartTime string `json:"startTime"`
	// EndTime is the end time as sent (RFC 3339).
	EndTime string `json:"endTime"`
	// ProjectID is the id as sent (`projectId`).
	ProjectID string `json:"projectId"`
	// ServiceID is the id as sent (`serviceId`).
	ServiceID string `json:"serviceId"`
	// BranchID is the branch id as sent.
	BranchID string `json:"branchId"`
	// BranchName is the branch name as sent.
	BranchName string `json:"branchName"`
	// IterationURI is the iteration id as sent.
	IterationURI string `json:"iterationUri"`
	// VersionURI is the branch URI as sent.
	VersionURI string `json:"versionUri"`
	// CreateBy is the user who ran the report.
	CreateBy string `json:"createBy"`
}

// Fields returns every reported figure of the summary keyed by its JSON
// field name; null figures are omitted.
func (o Outline) Fields() map[string]float64 {
	out := make(map[string]float64, len(outlineNumbers))
	eachNumber(reflect.ValueOf(&o).Elem(), outlineNumbers, func(field string, v float64) { out[field] = v })
	return out
}
