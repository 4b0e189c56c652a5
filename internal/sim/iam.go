package sim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// token is an issued IAM token: scoped to a project (projectID set), to the account
// (domainID set), or unscoped (neither), as IAM issues them.
type token struct {
	issued    time.Time // wall clock
	expires   time.Time
	projectID string
	domainID  string
}

// DemoSandboxProjectID is a second IAM project of the demo account, a sub-project of the
// region named DemoSandboxProjectName: IAM lists it only when asked for that name, and the
// CPTS and TestPlan workspaces do not belong to it.
const DemoSandboxProjectID = "5c2b8e0f4a6d4c1e9b7a3f5d2e8c6a41"

// DemoSandboxProjectName is the name of DemoSandboxProjectID.
const DemoSandboxProjectName = DemoProjectName + "_ci-sandbox"

// simProjects are the IAM projects of the demo account.
var simProjects = []iamName{{ID: DemoProjectID, Name: DemoProjectName}, {ID: DemoSandboxProjectID, Name: DemoSandboxProjectName}}

// iamPaths are the first segments of IAM's API paths (the official SDK's IAM v3 meta): a
// request under one of them is IAM's, served here or answered 404, never a CPTS path.
var iamPaths = map[string][]string{
	"v3":     {"", "auth", "projects", "users", "groups", "domains", "regions", "roles", "services", "endpoints", "OS-FEDERATION", "OS-INHERIT"},
	"v3.0":   nil, // every path: OS-USER, OS-CREDENTIAL, OS-AGENCY, ...
	"v3-ext": nil,
}

// isIAMPath reports whether p is an IAM API path.
func isIAMPath(p string) bool {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	firsts, ok := iamPaths[segs[0]]
	if !ok {
		return false
	}
	if firsts == nil {
		return true
	}
	second := ""
	if len(segs) > 1 {
		second = segs[1]
	}
	return slices.Contains(firsts, second)
}

// routeIAM serves the IAM API: POST /v3/auth/tokens and GET /v3/projects. Any other IAM path
// is 404, as the gateway answers an API it does not publish. It reports whether p was IAM's.
func (s *Server) routeIAM(w http.ResponseWriter, r *http.Request, body []byte, reqID string) bool {
	if !isIAMPath(r.URL.Path) {
		return false
	}
	switch strings.TrimRight(r.URL.Path, "/") + " " + r.Method {
	case "/v3/auth/tokens POST":
		s.handleIAMToken(w, body)
	case "/v3/projects GET":
		s.handleIAMProjects(w, r, body, reqID)
	default:
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment", reqID)
	}
	return true
}

// IAM's error body (Keystone style), e.g. for a wrong password:
// {"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}.
type iamError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Title   string `json:"title"`
	} `json:"error"`
}

func writeIAMError(w http.ResponseWriter, status int, msg string) {
	var e iamError
	e.Error.Code = status
	e.Error.Message = msg
	e.Error.Title = http.StatusText(status)
	writeJSON(w, status, e)
}

type iamName struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type iamTokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User struct {
					ID       string   `json:"id"`
					Name     string   `json:"name"`
					Password string   `json:"password"`
					Domain   *iamName `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID     string   `json:"id"`
				Name   string   `json:"name"`
				Domain *iamName `json:"domain"`
			} `json:"project"`
			Domain *iamName `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

type iamProject struct {
	Domain iamName `json:"domain"`
	ID     string  `json:"id"`
	Name   string  `json:"name"`
}

type iamUser struct {
	Domain            iamName `json:"domain"`
	ID                string  `json:"id"`
	Name              string  `json:"name"`
	PasswordExpiresAt string  `json:"password_expires_at"`
}

type iamTokenResponse struct {
	Token struct {
		Catalog   []any       `json:"catalog"`
		ExpiresAt string      `json:"expires_at"`
		IssuedAt  string      `json:"issued_at"`
		Methods   []string    `json:"methods"`
		Project   *iamProject `json:"project,omitempty"`
		Domain    *iamName    `json:"domain,omitempty"`
		Roles     []iamName   `json:"roles,omitempty"`
		User      iamUser     `json:"user"`
	} `json:"token"`
}

// iamTime is IAM's timestamp format, e.g. "2024-05-22T09:03:41.279000Z".
const iamTime = "2006-01-02T15:04:05.000000Z"

// handleIAMToken serves POST /v3/auth/tokens (password method): 201 with the
// token in X-Subject-Token. The token is scoped as asked: to a project (by id,
// or by name with an optional domain), to the account (domain by id or name),
// or, without a scope, unscoped.
func (s *Server) handleIAMToken(w http.ResponseWriter, body []byte) {
	var req iamTokenRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeIAMError(w, http.StatusBadRequest, "The request body is invalid: "+err.Error())
		return
	}
	id := req.Auth.Identity
	if !slices.Contains(id.Methods, "password") || id.Password == nil {
		writeIAMError(w, http.StatusBadRequest, "Invalid identity: only the password method is supported.")
		return
	}
	u := id.Password.User
	if (u.Name == "" && u.ID == "") || u.Password == "" {
		writeIAMError(w, http.StatusBadRequest, "Invalid request: user name and password are required.")
		return
	}
	userOK := (u.Name == DemoUser || u.ID == DemoUserID) &&
		(u.ID != "" || u.Domain != nil && (u.Domain.Name == DemoDomain || u.Domain.ID == DemoDomainID))
	if !userOK || u.Password != s.opt.Password {
		writeIAMError(w, http.StatusUnauthorized, "The username or password is wrong.")
		return
	}
	now := s.wallNow()
	t := &token{issued: now, expires: now.Add(s.opt.TokenTTL)}
	dom := iamName{ID: DemoDomainID, Name: DemoDomain}
	var project *iamProject
	switch sc := req.Auth.Scope; {
	case sc == nil:
	case sc.Project != nil && sc.Domain != nil:
		writeIAMError(w, http.StatusBadRequest, "Invalid scope: give a project or a domain, not both.")
		return
	case sc.Project != nil:
		p := sc.Project
		if p.ID == "" && p.Name == "" {
			writeIAMError(w, http.StatusBadRequest, "Invalid scope: the project needs an id or a name.")
			return
		}
		if p.ID == "" && p.Domain != nil && p.Domain.ID != DemoDomainID && p.Domain.Name != DemoDomain {
			writeIAMError(w, http.StatusUnauthorized, "The request you have made requires authentication: project "+p.Name+" not found in that domain.")
			return
		}
		var found *iamName
		for i, sp := range simProjects {
			if p.ID != "" && p.ID == sp.ID || p.ID == "" && p.Name == sp.Name {
				found = &simProjects[i]
			}
		}
		if found == nil {
			writeIAMError(w, http.StatusUnauthorized, "The request you have made requires authentication: project "+p.ID+p.Name+" not found.")
			return
		}
		t.projectID = found.ID
		project = &iamProject{Domain: dom, ID: found.ID, Name: found.Name}
	case sc.Domain != nil:
		if sc.Domain.ID != DemoDomainID && sc.Domain.Name != DemoDomain {
			writeIAMError(w, http.StatusUnauthorized, "The request you have made requires authentication: domain "+sc.Domain.ID+sc.Domain.Name+" not found.")
			return
		}
		t.domainID = DemoDomainID
	default:
		writeIAMError(w, http.StatusBadRequest, "Invalid scope: give a project or a domain.")
		return
	}
	var raw [48]byte
	rand.Read(raw[:])
	value := "MIIsim" + base64.RawURLEncoding.EncodeToString(raw[:])
	s.mu.Lock()
	s.tokens[value] = t
	s.mu.Unlock()

	var resp iamTokenResponse
	resp.Token.Catalog = []any{}
	resp.Token.ExpiresAt = t.expires.UTC().Format(iamTime)
	resp.Token.IssuedAt = t.issued.UTC().Format(iamTime)
	resp.Token.Methods = []string{"password"}
	resp.Token.Project = project
	if t.domainID != "" {
		resp.Token.Domain = &dom
	}
	if project != nil || t.domainID != "" {
		resp.Token.Roles = []iamName{{ID: "0", Name: "op_fine_grained"}, {ID: "1", Name: "te_admin"}}
	}
	resp.Token.User = iamUser{Domain: dom, ID: DemoUserID, Name: DemoUser}
	w.Header().Set("X-Subject-Token", value)
	writeJSON(w, http.StatusCreated, resp)
}

// iamLinks are the links of a Keystone answer.
type iamLinks struct {
	Self     string  `json:"self"`
	Previous *string `json:"previous"`
	Next     *string `json:"next"`
}

// iamProjectEntry is one project of GET /v3/projects (seed 000 §6.3).
type iamProjectEntry struct {
	DomainID    string   `json:"domain_id"`
	IsDomain    bool     `json:"is_domain"`
	ParentID    string   `json:"parent_id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Links       iamLinks `json:"links"`
	ID          string   `json:"id"`
	Enabled     bool     `json:"enabled"`
}

// handleIAMProjects serves GET /v3/projects (KeystoneListProjects), the call the official
// SDK makes to find the project of a region: authenticated by an AK/SK signature (no project
// yet, so X-Project-Id is not asked for) or a project- or domain-scoped token; filtered by
// name, domain_id, parent_id, enabled and is_domain; paged by page and per_page together.
func (s *Server) handleIAMProjects(w http.ResponseWriter, r *http.Request, body []byte, reqID string) {
	if err := s.authenticateIAM(r, body); err != nil {
		writeGatewayError(w, err.status, err.code, err.msg, reqID)
		return
	}
	q := r.URL.Query()
	page, perPage := q.Get("page"), q.Get("per_page")
	pageN, errP := strconv.Atoi(page)
	perN, errN := strconv.Atoi(perPage)
	switch {
	case (page == "") != (perPage == ""):
		writeIAMError(w, http.StatusBadRequest, "Invalid request: page and per_page go together.")
		return
	case page != "" && (errP != nil || errN != nil || pageN < 1 || perN < 1 || perN > 5000):
		writeIAMError(w, http.StatusBadRequest, "Invalid request: page is at least 1 and per_page between 1 and 5000.")
		return
	}
	for _, b := range []string{"enabled", "is_domain"} {
		if v := q.Get(b); v != "" && v != "true" && v != "false" {
			writeIAMError(w, http.StatusBadRequest, "Invalid request: "+b+" is true or false.")
			return
		}
	}
	self := "https://iam.example.com/v3/projects"
	out := struct {
		Links    iamLinks          `json:"links"`
		Projects []iamProjectEntry `json:"projects"`
	}{Links: iamLinks{Self: self}, Projects: []iamProjectEntry{}}
	for _, p := range simProjects {
		e := iamProjectEntry{DomainID: DemoDomainID, ParentID: DemoDomainID, Name: p.Name, ID: p.ID, Enabled: true,
			Links: iamLinks{Self: self + "/" + p.ID}}
		if v := q.Get("name"); v != "" && v != e.Name ||
			q.Get("domain_id") != "" && q.Get("domain_id") != e.DomainID ||
			q.Get("parent_id") != "" && q.Get("parent_id") != e.ParentID ||
			q.Get("enabled") == "false" || q.Get("is_domain") == "true" {
			continue
		}
		out.Projects = append(out.Projects, e)
	}
	if page != "" {
		from := min((pageN-1)*perN, len(out.Projects))
		out.Projects = out.Projects[from:min(from+perN, len(out.Projects))]
	}
	writeJSON(w, http.StatusOK, out)
}
