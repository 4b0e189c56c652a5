package sim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// token is an issued IAM token.
type token struct {
	issued    time.Time // wall clock
	expires   time.Time
	projectID string
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
		Catalog   []any      `json:"catalog"`
		ExpiresAt string     `json:"expires_at"`
		IssuedAt  string     `json:"issued_at"`
		Methods   []string   `json:"methods"`
		Project   iamProject `json:"project"`
		Roles     []iamName  `json:"roles"`
		User      iamUser    `json:"user"`
	} `json:"token"`
}

// iamTime is IAM's timestamp format, e.g. "2024-05-22T09:03:41.279000Z".
const iamTime = "2006-01-02T15:04:05.000000Z"

// handleIAMToken serves POST /v3/auth/tokens (password method, project
// scope by id or name): 201 with the token in X-Subject-Token.
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
	if req.Auth.Scope == nil || req.Auth.Scope.Project == nil {
		writeIAMError(w, http.StatusBadRequest, "Invalid scope: a project scope (id or name) is required.")
		return
	}
	p := req.Auth.Scope.Project
	if p.ID != DemoProjectID && (p.ID != "" || p.Name != DemoProjectName) {
		writeIAMError(w, http.StatusUnauthorized, "The request you have made requires authentication: project "+p.ID+p.Name+" not found.")
		return
	}

	now := s.wallNow()
	t := &token{issued: now, expires: now.Add(s.opt.TokenTTL), projectID: DemoProjectID}
	var raw [48]byte
	rand.Read(raw[:])
	value := "MIIsim" + base64.RawURLEncoding.EncodeToString(raw[:])
	s.mu.Lock()
	s.tokens[value] = t
	s.mu.Unlock()

	var resp iamTokenResponse
	dom := iamName{ID: DemoDomainID, Name: DemoDomain}
	resp.Token.Catalog = []any{}
	resp.Token.ExpiresAt = t.expires.UTC().Format(iamTime)
	resp.Token.IssuedAt = t.issued.UTC().Format(iamTime)
	resp.Token.Methods = []string{"password"}
	resp.Token.Project = iamProject{Domain: dom, ID: DemoProjectID, Name: DemoProjectName}
	resp.Token.Roles = []iamName{{ID: "0", Name: "op_fine_grained"}, {ID: "1", Name: "te_admin"}}
	resp.Token.User = iamUser{Domain: dom, ID: DemoUserID, Name: DemoUser}
	w.Header().Set("X-Subject-Token", value)
	writeJSON(w, http.StatusCreated, resp)
}
