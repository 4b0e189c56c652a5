package sim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The task template service (attask): POST /attask/v3/taskmodel/execution
// ("执行任务模板, 执行多个模板时,其中一个执行失败则返回失败"). Its host is not
// documented; the simulator serves it on its own base URL.
//
// Success is 200 {result, requestId, serverIp, status: "ok"} as in the
// document's example. Errors carry every field of the document's 401/403/404
// tables: {status, request_id, server_ip, error_msg, error_code,
// error_cause, faq}. Only DEV.00000003 (401, 认证信息过期) is a documented
// code; the others below are the simulator's own, in the same family.

// attask error codes.
const (
	attaskCodeBadRequest = "DEV.00000400" // 400: no template, or a body that is not the documented JSON
	attaskCodeNotFound   = "DEV.00000404" // 404: a template id that does not exist
	attaskCodeFailed     = "DEV.00000010" // 200 with status "error": a template failed to execute
)

// attaskServerIP is the `server_ip` of error answers.
const attaskServerIP = "10.32.17.5"

type attaskTemplateRef struct {
	TaskID string `json:"taskId"`
}

type attaskRequest struct {
	IP            string              `json:"ip"`
	Port          string              `json:"port"`
	TestSuite     []attaskTemplateRef `json:"testSuite"`
	SutBranchName string              `json:"sut_branch_name"`
	SutName       string              `json:"sutName"`
	UserName      string              `json:"userName"`
	TestServiceID string              `json:"testServiceId"`
}

// attaskOK is the documented 200 example: camelCase requestId and serverIp,
// both empty.
type attaskOK struct {
	Result    string `json:"result"`
	RequestID string `json:"requestId"`
	ServerIP  string `json:"serverIp"`
	Status    string `json:"status"`
}

// attaskError is the documented error body (401/403/404 tables).
type attaskError struct {
	Status     string `json:"status"`
	RequestID  string `json:"request_id"`
	ServerIP   string `json:"server_ip"`
	ErrorMsg   string `json:"error_msg"`
	ErrorCode  string `json:"error_code"`
	ErrorCause string `json:"error_cause"`
	FAQ        string `json:"faq"`
}

func writeAttaskError(w http.ResponseWriter, status int, reqID, code, msg, cause, faq string) {
	writeJSON(w, status, attaskError{Status: "error", RequestID: reqID, ServerIP: attaskServerIP,
		ErrorMsg: msg, ErrorCode: code, ErrorCause: cause, FAQ: faq})
}

// serveAttask serves POST /attask/v3/taskmodel/execution. The templates run
// all or nothing: an unknown template is 404 DEV.00000404; a template that
// fails (DemoFailingTemplateID) makes the whole call answer 200 with status
// "error", error_code DEV.00000010, error_cause and faq, and no execution id.
// Otherwise the answer's result is a new 32-hex execution id. A missing,
// invalid or expired token is 401 DEV.00000003 in the same error body.
func (s *Server) serveAttask(w http.ResponseWriter, r *http.Request, body []byte, reqID string, segs []string) {
	if r.Method != http.MethodPost || strings.Join(segs, "/") != "attask/v3/taskmodel/execution" {
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment", reqID)
		return
	}
	// The document makes X-Auth-Token mandatory ("必传"); nothing shows the
	// service taking an AK/SK signature instead.
	err := &gwErr{status: http.StatusUnauthorized, code: codeDevAuth, msg: ctMessages[codeDevAuth]}
	if r.Header.Get("X-Auth-Token") != "" {
		err = s.authenticateDev(r, body)
	}
	if err != nil {
		if err.code == codeDevAuth {
			writeAttaskError(w, err.status, reqID, err.code, err.msg, "X-Auth-Token 缺失、无效或已过期",
				"请调用IAM服务获取用户Token接口重新获取Token（响应消息头中X-Subject-Token的值）后重试")
		} else {
			writeGatewayError(w, err.status, err.code, err.msg, reqID)
		}
		return
	}
	var req attaskRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeAttaskError(w, http.StatusBadRequest, reqID, attaskCodeBadRequest, "请求参数错误",
			"请求体不是合法的JSON: "+err.Error(), "请按照接口文档构造请求体")
		return
	}
	ids := make([]string, len(req.TestSuite))
	for i, t := range req.TestSuite {
		ids[i] = t.TaskID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := AttaskExecution{TaskIDs: ids, SutName: req.SutName, SutBranch: req.SutBranchName, UserName: req.UserName,
		TestServiceID: req.TestServiceID, IP: req.IP, Port: req.Port, Time: s.wallNow()}
	defer func() { s.tp.attask = append(s.tp.attask, rec) }()
	if len(ids) == 0 {
		rec.ErrorCode = attaskCodeBadRequest
		writeAttaskError(w, http.StatusBadRequest, reqID, attaskCodeBadRequest, "请求参数错误",
			"testSuite 中没有任务模板", "请在 testSuite 中至少指定一个任务模板的 taskId")
		return
	}
	failing := ""
	for _, id := range ids {
		fails, ok := s.tp.templates[id]
		if !ok {
			rec.ErrorCode = attaskCodeNotFound
			writeAttaskError(w, http.StatusNotFound, reqID, attaskCodeNotFound, "任务模板不存在",
				"任务模板 "+id+" 不存在或已被删除", "请确认任务模板ID（taskId）是否正确")
			return
		}
		if fails && failing == "" {
			failing = id
		}
	}
	if failing != "" {
		rec.ErrorCode = attaskCodeFailed
		writeAttaskError(w, http.StatusOK, reqID, attaskCodeFailed, "任务模板执行失败",
			"任务模板 "+failing+" 执行失败: 测试套中没有可执行的用例",
			"执行多个模板时, 其中一个执行失败则返回失败; 请检查该任务模板的测试套和用例后重试")
		return
	}
	rec.ID = tpID("attask", len(s.tp.attask)+1)
	writeJSON(w, http.StatusOK, attaskOK{Result: rec.ID, Status: "ok"})
}
