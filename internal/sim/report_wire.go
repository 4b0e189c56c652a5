package sim

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// Wire structs of ShowReport (4.6.1). Counters are doubles; nil fields
// encode as null, as the service does for figures it does not know yet.
// The figures of perfRow and reportOutline that are gate metrics carry a
// metric tag: their wire names come from the CPTS metric table
// (cpts.RowField, cpts.OutlineField), the one place that spells them; their
// MarshalJSON writes every field in name order.

type perfRow struct {
	AverageRespTime          *float64 `metric:"avg_rt"`
	AvgNetworkTraffic        *float64 `json:"avgNetworkTraffic"`
	AvgRecBytes              *float64 `metric:"avg_recv_bytes"`
	AvgSentBytes             *float64 `metric:"avg_sent_bytes"`
	AvgTranRespTime          *float64 `json:"avgTranRespTime"`
	CaseURI                  string   `json:"caseUri"`
	CreateTime               *string  `json:"createTime"`
	CurrentThreadNum         *float64 `metric:"max_concurrency"`
	DetailID                 string   `json:"detailId"`
	EndTime                  *string  `json:"endTime"`
	ErrorCount               *float64 `metric:"errors"`
	ErrorEventsCount         *float64 `metric:"error_events"`
	FailedAssert             *float64 `metric:"failed_assert"`
	FailedOthers             *float64 `metric:"failed_others"`
	FailedParsed             *float64 `metric:"failed_parsed"`
	FailedRefused            *float64 `metric:"failed_refused"`
	FailedTimeout            *float64 `metric:"failed_timeout"`
	ID                       string   `json:"id"`
	IsAW                     bool     `json:"isAW"`
	Max                      *float64 `metric:"max_rt"`
	MaxNetworkTraffic        *float64 `json:"maxNetworkTraffic"`
	MaxRecBytes              *float64 `metric:"max_recv_bytes"`
	MaxRespTime              *float64 `json:"maxRespTime"`
	MaxSentBytes             *float64 `metric:"max_sent_bytes"`
	MaxTranRespTime          *float64 `json:"maxTranRespTime"`
	Min                      *float64 `metric:"min_rt"`
	MinNetworkTraffic        *float64 `json:"minNetworkTraffic"`
	Name                     string   `json:"name"`
	Requests                 *float64 `metric:"requests"`
	Result                   *float64 `json:"result"`
	StartTime                *string  `json:"startTime"`
	Status                   *float64 `json:"status"`
	SuccessCount             *float64 `metric:"successes"`
	SuccessRate              *float64 `metric:"success_rate"`
	Sum1xx                   *float64 `metric:"http_1xx"`
	Sum2xx                   *float64 `metric:"http_2xx"`
	Sum3xx                   *float64 `metric:"http_3xx"`
	Sum4xx                   *float64 `metric:"http_4xx"`
	Sum5xx                   *float64 `metric:"http_5xx"`
	TaskID                   string   `json:"taskId"`
	TaskProjectID            string   `json:"taskProjectId"`
	TaskStatus               *float64 `json:"taskStatus"`
	TestCaseURI              string   `json:"testCaseUri"`
	Tp50                     *float64 `metric:"p50"`
	Tp75                     *float64 `metric:"p75"`
	Tp90                     *float64 `metric:"p90"`
	Tp95                     *float64 `metric:"p95"`
	Tp99                     *float64 `metric:"p99"`
	Tp999                    *float64 `metric:"p99.9"`
	Tp9999                   *float64 `metric:"p99.99"`
	Tps                      *float64 `metric:"tps"`
	TranTPS                  *float64 `metric:"transaction_tps"`
	TransactionID            *string  `json:"transactionId"`
	TransactionSuccess       *float64 `json:"transactionSuccess"`
	TransactionalSuccessRate *float64 `metric:"transaction_success_rate"`
	TransactionalTps         *float64 `json:"transactionalTps"`
	TransactionalTpsSuccess  *float64 `json:"transactionalTpsSuccess"`
	Transactions             *float64 `metric:"transactions"`
	UpdateTime               *string  `json:"updateTime"`
	Vum                      *float64 `metric:"vum"`
}

type detailItem struct {
	CustomTransactions []string  `json:"customTransactions"`
	DetailDatas        []perfRow `json:"detailDatas"`
	Performance        perfRow   `json:"performance"`
}

type reportDetails struct {
	Data      []detailItem `json:"data"`
	PageIndex int          `json:"pageIndex"`
	PageSize  int          `json:"pageSize"`
	Total     int          `json:"total"`
}

type reportOutline struct {
	AvgResponseTime     *float64 `metric:"avg_rt"`
	BranchID            *string  `json:"branchId"`
	BranchName          *string  `json:"branchName"`
	CaseRetry           float64  `json:"caseRetry"`
	CompleteNum         float64  `json:"completeNum"`
	Duration            float64  `metric:"duration"`
	EndTime             *string  `json:"endTime"`
	ExecutedNum         float64  `json:"executedNum"`
	IterationURI        *string  `json:"iterationUri"`
	KpiCaseCount        float64  `json:"kpiCaseCount"`
	KpiCaseExecuteCount float64  `json:"kpiCaseExecuteCount"`
	KpiCasePassCount    float64  `json:"kpiCasePassCount"`
	MaxUsers            *float64 `metric:"max_concurrency"`
	PassNum             float64  `json:"passNum"`
	ProjectID           string   `json:"projectId"`
	ServiceID           string   `json:"serviceId"`
	Stage               float64  `json:"stage"`
	StageName           string   `json:"stageName"`
	StartTime           *string  `json:"startTime"`
	SuccessRate         *float64 `metric:"success_rate"`
	TaskStatus          *float64 `json:"taskStatus"`
	TotalNum            float64  `json:"totalNum"`
	Tps                 *float64 `metric:"tps"`
	VersionURI          *string  `json:"versionUri"`
	CreateBy            string   `json:"createBy"`
}

type brandBrokens struct {
	RecBytes  []float64 `json:"recBytes"`
	SentBytes []float64 `json:"sentBytes"`
}

type respcodeBrokens struct {
	CheckPointFailed []float64 `json:"checkPointFailed"`
	Error            []float64 `json:"error"`
	OthersFailed     []float64 `json:"othersFailed"`
	ParsedFailed     []float64 `json:"parsedFailed"`
	RefusedFailed    []float64 `json:"refusedFailed"`
	Success          []float64 `json:"success"`
	Timeout          []float64 `json:"timeout"`
}

type tpsBrokens struct {
	Average []float64 `json:"average"`
	Tps     []float64 `json:"tps"`
}

type vusersBrokens struct {
	Vusers []float64 `json:"vusers"`
}

type reportBrokens struct {
	BrandBrokens     brandBrokens    `json:"brand_brokens"`
	CommonTimestamps []string        `json:"commonTimestamps"`
	RespcodeBrokens  respcodeBrokens `json:"respcode_brokens"`
	TpsBrokens       tpsBrokens      `json:"tps_brokens"`
	VusersBrokens    vusersBrokens   `json:"vusers_brokens"`
}

type reportTaskInfo struct {
	Vum float64 `json:"vum"`
}

type reportInfo struct {
	Brokens       reportBrokens     `json:"brokens"`
	Details       reportDetails     `json:"details"`
	Outline       reportOutline     `json:"outline"`
	Rtproportion  *string           `json:"rtproportion"`
	TaskInfo      reportTaskInfo    `json:"taskInfo"`
	RespTimeRange map[string]string `json:"respTimeRange"`
}

type reportResponse struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Extend  *string    `json:"extend"`
	Result  reportInfo `json:"result"`
}

// MarshalJSON writes the row as one JSON object keyed by wire name in byte
// order: the json tag, or for a metric field the CPTS field cpts.RowField names.
func (p perfRow) MarshalJSON() ([]byte, error) { return marshalWire(p, cpts.RowField) }

// MarshalJSON writes the outline as one JSON object keyed by wire name in byte
// order: the json tag, or for a metric field the outline field cpts.OutlineField
// names.
func (o reportOutline) MarshalJSON() ([]byte, error) { return marshalWire(o, cpts.OutlineField) }

// marshalWire encodes the struct v as one JSON object keyed by wire name: a
// field's json tag, or for a field tagged metric the name wire gives it.
func marshalWire(v any, wire func(metric string) (string, bool)) ([]byte, error) {
	rv := reflect.ValueOf(v)
	t := rv.Type()
	out := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := f.Tag.Lookup("json")
		if metric, isMetric := f.Tag.Lookup("metric"); isMetric {
			name, ok = wire(metric)
		}
		if !ok {
			return nil, fmt.Errorf("sim: %s.%s has no wire name", t.Name(), f.Name)
		}
		out[name] = rv.Field(i).Interface()
	}
	return json.Marshal(out)
}
