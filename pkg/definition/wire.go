package definition

import (
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// ms is a duration in whole milliseconds.
func ms(d Duration) int64 { return int64(time.Duration(d) / time.Millisecond) }

// secs is a duration in whole seconds.
func secs(d Duration) int64 { return int64(time.Duration(d) / time.Second) }

// RequestInfo is the ContentInfo a request is sent as.
func (r Request) RequestInfo() cpts.RequestInfo {
	proto := int64(cpts.ProtocolHTTPS)
	if u, err := url.Parse(r.URL); err == nil && u.Scheme == "http" {
		proto = cpts.ProtocolHTTP
	}
	hs := []cpts.Header{}
	for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
		hs = append(hs, cpts.Header{Key: k, Value: r.Headers[k]})
	}
	return cpts.RequestInfo{Bodys: []any{}, ConnectTimeout: cpts.Int(ms(r.ConnectTimeout)), Headers: hs,
		HTTPVersion: r.HTTPVersion, Method: r.Method, Name: r.Name, ProtocolType: cpts.Int(proto),
		ReturnTimeout: cpts.Int(ms(r.ResponseTimeout)), URL: r.URL}
}

// Contents is the case script the requests are sent as: one request card
// (content_id 0, data_type 0) holding every request in order.
func (c Case) Contents() []cpts.CaseContents {
	card := cpts.CaseContents{Content: []cpts.CaseContent{}}
	for _, r := range c.Requests {
		ri := r.RequestInfo()
		card.Content = append(card.Content, cpts.CaseContent{ContentType: cpts.ContentRequest, Content: &ri})
	}
	return []cpts.CaseContents{card}
}

// Spec is the TestCaseStage a stage is sent as.
func (s Stage) Spec() cpts.StageSpec {
	out := cpts.StageSpec{Name: s.Name, Time: secs(s.Duration), Count: int64(s.Count), IssueNum: int64(s.Users),
		CurrentUserNum: int64(s.StartUsers), TPSValue: int64(s.TPS), CurrentTPS: int64(s.StartTPS), RampUp: secs(s.RampUp)}
	if s.Count > 0 {
		out.OperateMode = 1
	}
	if s.Pressure == "tps" {
		out.PressureMode = 1
	}
	return out
}

// StageSpecs are the stages of a case as sent.
func (c Case) StageSpecs() []cpts.StageSpec {
	out := make([]cpts.StageSpec, len(c.Stages))
	for i, s := range c.Stages {
		out[i] = s.Spec()
	}
	return out
}
