package sim

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The TestPlan (service code CloudTest) API: paths under
// /v1|v2/projects/{project_id}/... plus the case query
// /v1/{project_id}/testcases/batch-query, where {project_id} is the
// 32-character CodeArts project id (DemoCodeArtsProjectID). Sources: the
// TestPlan API reference (2023; sections cited as 4.x and the error code
// table 6.2) and, for the calls it does not document (RunTestCase,
// UpdateTestCaseResult, ListTestCases, ShowTestCaseDetail), the SDK's
// cloudtest_meta.go and models.
//
// Errors are `{error_code, error_msg}` with the codes and messages of table
// 6.2, verbatim. A missing, invalid or expired token is 401 DEV.00000003
// (认证信息过期); a bad AK/SK signature is the API gateway's APIGW.0301 as for
// CPTS. Unknown TestPlan paths are the gateway's 404 APIGW.0101.

// TestPlan error codes (table 6.2 unless noted).
const (
	codeDevAuth           = "DEV.00000003"       // 401 认证信息过期 (attask document, also used for TestPlan tokens)
	ctProjectInvalid      = "CLOUDTEST.00012002" // 400
	ctProjectNotFound     = "CLOUDTEST.43040030" // answered with 404 (the table lists it under 400)
	ctCaseIDInvalid       = "CLOUDTEST.00017000"
	ctCaseNotFound        = "CLOUDTEST.00017001"
	ctPlanIDInvalid       = "CLOUDTEST.00017003"
	ctExecuteIDInvalid    = "CLOUDTEST.00017009"
	ctServiceListInvalid  = "CLOUDTEST.00017012"
	ctDurationInvalid     = "CLOUDTEST.00017019"
	ctRunPartial          = "CLOUDTEST.00017020" // 400
	ctResultPartial       = "CLOUDTEST.00017021" // 400
	ctRunFailed           = "CLOUDTEST.00017022" // 500
	ctResultFailed        = "CLOUDTEST.00017023" // 500
	ctRunAllRepeated      = "CLOUDTEST.00017024" // 500
	ctResultAllRepeated   = "CLOUDTEST.00017025" // 500
	ctRunSomeRepeated     = "CLOUDTEST.00017026" // 500
	ctResultSomeRepeated  = "CLOUDTEST.00017027" // 500
	ctRunRepeated         = "CLOUDTEST.00017028" // per case
	ctResultRepeated      = "CLOUDTEST.00017029" // per case
	ctAssigneeInvalid     = "CLOUDTEST.00017032"
	ctServiceInvalid      = "CLOUDTEST.00017038"
	ctRunTooMany          = "CLOUDTEST.00017055"
	ctResultTooMany       = "CLOUDTEST.00017056"
	ctCaseNotInPlan       = "CLOUDTEST.00017057"
	ctResultInvalid       = "CLOUDTEST.00017058"
	ctCaseListInvalid     = "CLOUDTEST.00030001"
	ctStartAfterEnd       = "CLOUDTEST.00040003" // 500
	ctBusy                = "CLOUDTEST.00050000" // 500
	ctStartTimeInvalid    = "CLOUDTEST.00060005"
	ctEndTimeInvalid      = "CLOUDTEST.00060006"
	ctPlanStartInvalid    = "CLOUDTEST.00060010"
	ctPlanEndInvalid      = "CLOUDTEST.00060011"
	ctPageInvalid         = "CLOUDTEST.00060012"
	ctPlanInvalid         = "CLOUDTEST.00070003"
	ctPlanNameExists      = "CLOUDTEST.00070009" // 500
	ctPlanNameInvalid     = "CLOUDTEST.00070010"
	ctBodyInvalid         = "CLOUDTEST.43400161"
	ctParamInvalid        = "CLOUDTEST.43400171"
	ctParamNonconforming  = "CLOUDTEST.43400253"
	ctEnvOffsetInvalid    = "CLOUDTEST.43400337"
	ctEnvLimitInvalid     = "CLOUDTEST.43400338"
	ctBatchAddPartialCode = "CLOUDTEST.00000001" // the 4.3.1 example's code; no table entry
	ctBatchAddPartialMsg  = "部分用例添加失败"           // not documented
)

var ctMessages = map[string]string{
	codeDevAuth:          "认证信息过期",
	ctProjectInvalid:     "项目uuid校验失败",
	ctProjectNotFound:    "项目不存在",
	ctCaseIDInvalid:      "用例ID校验失败",
	ctCaseNotFound:       "该用例不存在",
	ctPlanIDInvalid:      "测试计划ID校验失败",
	ctExecuteIDInvalid:   "执行ID校验失败",
	ctServiceListInvalid: "服务类型列表校验失败",
	ctDurationInvalid:    "用例执行时长校验失败",
	ctRunPartial:         "部分用例执行失败",
	ctResultPartial:      "部分用例更新结果失败",
	ctRunFailed:          "用例执行异常",
	ctResultFailed:       "用例结果更新异常",
	ctRunAllRepeated:     "用例重复执行",
	ctResultAllRepeated:  "用例重复更新结果",
	ctRunSomeRepeated:    "部分用例重复执行",
	ctResultSomeRepeated: "部分用例重复更新结果",
	ctRunRepeated:        "该用例不能重复执行",
	ctResultRepeated:     "该用例结果不能重复更新",
	ctAssigneeInvalid:    "处理者id校验失败",
	ctServiceInvalid:     "服务类型校验失败",
	ctRunTooMany:         "批量执行测试用例数超过限制",
	ctResultTooMany:      "批量更新测试用例数超过限制",
	ctCaseNotInPlan:      "项目或计划下不存在该用例",
	ctResultInvalid:      "测试用例结果校验失败",
	ctCaseListInvalid:    "测试用例ID列表校验失败",
	ctStartAfterEnd:      "开始时间不能大于结束时间",
	ctBusy:               "系统繁忙",
	ctStartTimeInvalid:   "用例开始执行时间校验失败",
	ctEndTimeInvalid:     "用例结束执行时间校验失败",
	ctPlanStartInvalid:   "计划开始时间校验失败",
	ctPlanEndInvalid:     "计划结束时间校验失败",
	ctPageInvalid:        "起始偏移量或每页显示的条目数量不合法",
	ctPlanInvalid:        "测试计划信息不合法",
	ctPlanNameExists:     "测试计划名称已存在",
	ctPlanNameInvalid:    "测试计划名称校验失败",
	ctBodyInvalid:        "请求体结构错误",
	ctParamInvalid:       "请求参数有误",
	ctParamNonconforming: "参数不符合规范",
	ctEnvOffsetInvalid:   "分页的起始偏移量校验失败",
	ctEnvLimitInvalid:    "分页的每页显示条目数量值校验失败",
}

// ctErr is a TestPlan error with the table's message; status 400 unless
// the table lists the code under 500.
func ctErr(code string) *apiErr {
	status := http.StatusBadRequest
	switch code {
	case ctRunFailed, ctResultFailed, ctRunAllRepeated, ctResultAllRepeated, ctRunSomeRepeated, ctResultSomeRepeated,
		ctStartAfterEnd, ctBusy, ctPlanNameExists:
		status = http.StatusInternalServerError
	case ctProjectNotFound:
		status = http.StatusNotFound
	}
	return &apiErr{status: status, code: code, msg: ctMessages[code]}
}

// tpCall is one authenticated TestPlan request being served (under s.mu).
type tpCall struct {
	r      *http.Request
	body   []byte
	params []string  // "{}" path segments in order; params[0] is the CodeArts project id
	now    time.Time // the simulator's wall clock
}

// tpHandler answers a tpCall: status and body (nil: no body), or an error.
type tpHandler func(s *Server, c *tpCall) (int, any, *apiErr)

type tpRoute struct {
	method, pattern string
	h               tpHandler
}

// cloudtestRoutes are the TestPlan calls served; "{}" is a string path
// parameter.
var cloudtestRoutes = []tpRoute{
	{"POST", "v1/projects/{}/plans", (*Server).ctCreatePlan},
	{"GET", "v2/projects/{}/plans", (*Server).ctListPlans},
	{"POST", "v1/projects/{}/plans/{}/testcases/batch-add", (*Server).ctBatchAdd},
	{"GET", "v1/projects/{}/environments", (*Server).ctListEnvironments},
	{"POST", "v1/projects/{}/testcases/execution", (*Server).ctRunCases},
	{"POST", "v1/projects/{}/testcases/result", (*Server).ctUpdateResults},
	{"GET", "v1/projects/{}/testcases/{}", (*Server).ctShowCase},
	{"POST", "v1/{}/testcases/batch-query", (*Server).ctListCases},
}

// isTestPlanPath tells TestPlan paths from CPTS ones (CPTS never has
// "projects" as its second segment nor a testcases/batch-query call).
func isTestPlanPath(segs []string) bool {
	if len(segs) >= 3 && (segs[0] == "v1" || segs[0] == "v2") && segs[1] == "projects" {
		return true
	}
	return len(segs) == 4 && segs[0] == "v1" && segs[2] == "testcases" && segs[3] == "batch-query"
}

func matchStringRoute(pattern string, segs []string) ([]string, bool) {
	ps := strings.Split(pattern, "/")
	if len(ps) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range ps {
		switch {
		case p == "{}":
			params = append(params, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}

// routeCloudTest serves TestPlan and attask requests; it reports false for
// any other path.
func (s *Server) routeCloudTest(w http.ResponseWriter, r *http.Request, body []byte, reqID string) bool {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if segs[0] == "attask" {
		s.serveAttask(w, r, body, reqID, segs)
		return true
	}
	if !isTestPlanPath(segs) {
		return false
	}
	var rt *tpRoute
	var params []string
	for i := range cloudtestRoutes {
		if cloudtestRoutes[i].method != r.Method {
			continue
		}
		if p, ok := matchStringRoute(cloudtestRoutes[i].pattern, segs); ok {
			rt, params = &cloudtestRoutes[i], p
			break
		}
	}
	if rt == nil {
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment", reqID)
		return true
	}
	if err := s.authenticateDev(r, body); err != nil {
		if err.code == codeDevAuth {
			writeCPTSError(w, &apiErr{status: err.status, code: err.code, msg: err.msg})
		} else {
			writeGatewayError(w, err.status, err.code, err.msg, reqID)
		}
		return true
	}
	if err := checkCodeArtsProject(params[0]); err != nil {
		writeCPTSError(w, err)
		return true
	}
	s.mu.Lock()
	status, v, aerr := rt.h(s, &tpCall{r: r, body: body, params: params, now: s.wallNow()})
	s.mu.Unlock()
	switch {
	case aerr != nil:
		writeCPTSError(w, aerr)
	case v == nil:
		w.WriteHeader(status)
	default:
		writeJSON(w, status, v)
	}
	return true
}

// authenticateDev authenticates a TestPlan or attask request like a CPTS
// one (credentials of DemoProjectID, the IAM project), except that a
// missing, unknown, revoked or expired token is 401 DEV.00000003.
func (s *Server) authenticateDev(r *http.Request, body []byte) *gwErr {
	err := s.authenticate(r, body, DemoProjectID)
	if err == nil || err.status != http.StatusUnauthorized {
		return err
	}
	if r.Header.Get("X-Auth-Token") != "" || !strings.HasPrefix(r.Header.Get("Authorization"), algorithm) {
		return &gwErr{status: http.StatusUnauthorized, code: codeDevAuth, msg: ctMessages[codeDevAuth]}
	}
	return err
}

// id32RE is a 32-character id (CodeArts project, case, environment).
var id32RE = regexp.MustCompile(`^[0-9A-Za-z]{32}$`)

// planIDRE is a plan id: 11 to 34 letters and digits (4.3.1, SDK).
var planIDRE = regexp.MustCompile(`^[0-9A-Za-z]{11,34}$`)

// checkCodeArtsProject: a malformed id is 400 CLOUDTEST.00012002 (项目uuid
// 校验失败: 检查项目id是否是32位字符); an unknown one 404 CLOUDTEST.43040030.
func checkCodeArtsProject(id string) *apiErr {
	if !id32RE.MatchString(id) {
		return ctErr(ctProjectInvalid)
	}
	if id != DemoCodeArtsProjectID {
		return ctErr(ctProjectNotFound)
	}
	return nil
}

// planLocked resolves a plan id: malformed 00017003, unknown 00070003.
func (s *Server) planLocked(id string) (*tpPlan, *apiErr) {
	if !planIDRE.MatchString(id) {
		return nil, ctErr(ctPlanIDInvalid)
	}
	p := s.tp.plans[id]
	if p == nil {
		return nil, ctErr(ctPlanInvalid)
	}
	return p, nil
}

// ctDecode decodes a JSON body; anything else is 400 CLOUDTEST.43400161.
func ctDecode(body []byte, v any) *apiErr {
	if err := decodeBody(body, v); err != nil {
		return ctErr(ctBodyInvalid)
	}
	return nil
}

// queryInt reads an integer query parameter; ok is false when it is present
// but not an integer.
func queryInt(c *tpCall, name string, def int) (n int, present, ok bool) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return def, false, true
	}
	n, err := strconv.Atoi(v)
	return n, true, err == nil
}
