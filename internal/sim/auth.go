package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The AK/SK scheme ("SDK-HMAC-SHA256"), verified independently of any
// client: canonical request = METHOD \n canonical URI \n canonical query \n
// canonical headers \n signed headers \n payload hash; string to sign =
// algorithm \n X-Sdk-Date \n hex(sha256(canonical request)); signature =
// hex(HMAC-SHA256(SK, string to sign)).
const (
	algorithm       = "SDK-HMAC-SHA256"
	sdkDateLayout   = "20060102T150405Z"
	headerSdkDate   = "X-Sdk-Date"
	headerSdkSHA256 = "X-Sdk-Content-Sha256"
)

// gwErr is an API gateway rejection.
type gwErr struct {
	status int
	code   string
	msg    string
}

func (e *gwErr) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

func authFail(msg string) *gwErr {
	return &gwErr{status: http.StatusUnauthorized, code: "APIGW.0301", msg: "Incorrect IAM authentication information: " + msg}
}

var errTokenMustUpdate = &gwErr{status: http.StatusUnauthorized, code: "APIGW.0307", msg: "The token must be updated."}

// authorization is a parsed "SDK-HMAC-SHA256 Access=..., SignedHeaders=...,
// Signature=..." header.
type authorization struct {
	access        string
	signedHeaders []string
	signature     string
}

func parseAuthorization(h string) (authorization, error) {
	var a authorization
	rest, ok := strings.CutPrefix(h, algorithm+" ")
	if !ok {
		return a, errors.New("unsupported authorization algorithm")
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Errorf("malformed authorization part %q", part)
		}
		switch k {
		case "Access":
			a.access = v
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	if a.access == "" || a.signature == "" || len(a.signedHeaders) == 0 {
		return a, errors.New("authorization lacks Access, SignedHeaders or Signature")
	}
	return a, nil
}

// shouldEscape reports whether the signer percent-encodes c: everything but
// A-Z a-z 0-9 _ - ~ .
func shouldEscape(c byte) bool {
	return !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == '-' || c == '~' || c == '.')
}

// sigEscape percent-encodes s with upper-case hex (space becomes %20).
func sigEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if shouldEscape(c) {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// canonicalURI escapes every path segment and always ends with "/".
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = sigEscape(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// canonicalQuery sorts keys, then each key's values, escaping both.
func canonicalQuery(rawQuery string) string {
	q, _ := url.ParseQuery(rawQuery)
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		vs := slices.Clone(q[k])
		slices.Sort(vs)
		for _, v := range vs {
			parts = append(parts, sigEscape(k)+"="+sigEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// canonicalHeaders lists "name:value" for every signed header (values
// trimmed and sorted), each line ending with "\n".
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		var values []string
		if name == "host" {
			values = []string{r.Host}
		} else {
			values = slices.Clone(r.Header.Values(name))
		}
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	if b.Len() == 0 {
		return "\n"
	}
	return b.String()
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// canonicalRequest rebuilds the canonical request the client must have
// signed.
func canonicalRequest(r *http.Request, body []byte, signed []string) string {
	payload := r.Header.Get(headerSdkSHA256)
	if payload == "" {
		payload = sha256Hex(body)
	}
	return strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		canonicalQuery(r.URL.RawQuery),
		canonicalHeaders(r, signed),
		strings.Join(signed, ";"),
		payload,
	}, "\n")
}

// signature computes the expected signature of r for sk.
func signature(r *http.Request, body []byte, signed []string, sk string) string {
	cr := canonicalRequest(r, body, signed)
	sts := algorithm + "\n" + r.Header.Get(headerSdkDate) + "\n" + sha256Hex([]byte(cr))
	m := hmac.New(sha256.New, []byte(sk))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// verifyAKSK checks an SDK-HMAC-SHA256 request: known AK, X-Sdk-Date signed
// and within MaxSkew of the simulator's wall clock, signature correct.
func (s *Server) verifyAKSK(r *http.Request, body []byte) *gwErr {
	a, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return authFail("verify aksk signature fail, " + err.Error())
	}
	s.mu.Lock()
	sk, ok := s.creds[a.access]
	s.mu.Unlock()
	if !ok {
		return authFail("Get secretKey failed,ak:" + a.access + ",err:ak not exist")
	}
	date := r.Header.Get(headerSdkDate)
	t, err := time.Parse(sdkDateLayout, date)
	if err != nil || !slices.Contains(a.signedHeaders, "x-sdk-date") {
		return authFail("verify aksk signature fail, x-sdk-date is missing, unsigned or not in " + sdkDateLayout + " format")
	}
	now := s.wallNow()
	if skew := now.Sub(t); skew > s.opt.MaxSkew || -skew > s.opt.MaxSkew {
		return authFail(fmt.Sprintf("signature expired, x-sdk-date is expired: time skew %s exceeds %s, signature time:%s,server time:%s",
			skew.Round(time.Second), s.opt.MaxSkew, date, now.UTC().Format(sdkDateLayout)))
	}
	for _, h := range a.signedHeaders {
		if h != strings.ToLower(h) || h == "" {
			return authFail("verify aksk signature fail, signed header " + h + " is not lower-case")
		}
		// The gateway drops header names with "_" before verifying (the SDK's signer never
		// signs them), so a signature over one cannot verify.
		if strings.Contains(h, "_") {
			return authFail("verify aksk signature fail, signed header " + h + " is dropped by the gateway (a name with '_' is never signed)")
		}
	}
	if err := s.checkSecurityToken(r, a); err != nil {
		return err
	}
	want := signature(r, body, a.signedHeaders, sk)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(a.signature))) {
		return authFail("verify aksk signature fail")
	}
	return nil
}

// AddTemporaryCredential registers temporary access keys: requests signed with
// ak must carry securityToken as X-Security-Token, signed, as the official SDK
// sends it.
func (s *Server) AddTemporaryCredential(ak, sk, securityToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[ak] = sk
	s.stsTokens[ak] = securityToken
}

// checkSecurityToken: temporary credentials need their own security token,
// signed; permanent ones take none.
func (s *Server) checkSecurityToken(r *http.Request, a authorization) *gwErr {
	s.mu.Lock()
	want, temporary := s.stsTokens[a.access]
	s.mu.Unlock()
	got := r.Header.Get("X-Security-Token")
	switch {
	case !temporary && got != "":
		return authFail("verify aksk signature fail, x-security-token given with a permanent access key")
	case !temporary:
		return nil
	case got == "":
		return authFail("verify aksk signature fail, x-security-token is missing: " + a.access + " is a temporary access key")
	case !hmac.Equal([]byte(got), []byte(want)):
		return authFail("verify aksk signature fail, x-security-token does not belong to access key " + a.access)
	case !slices.Contains(a.signedHeaders, "x-security-token"):
		return authFail("verify aksk signature fail, x-security-token is not signed")
	}
	return nil
}

// tokenOf returns the live token of r's X-Auth-Token, or the gateway's answer.
func (s *Server) tokenOf(r *http.Request) (*token, *gwErr) {
	s.mu.Lock()
	t, ok := s.tokens[r.Header.Get("X-Auth-Token")]
	revoked := ok && s.tokenRevokedLocked(r.Method+" "+r.URL.Path, t.issued)
	s.mu.Unlock()
	if !ok || revoked || !s.wallNow().Before(t.expires) {
		return nil, errTokenMustUpdate
	}
	return t, nil
}

// authenticate accepts an X-Auth-Token scoped to projectID, or an AK/SK
// signature whose signed X-Project-Id names projectID (the official SDK sends
// it on every AK/SK request; seed 001 makes it required in multi-project
// accounts).
func (s *Server) authenticate(r *http.Request, body []byte, projectID string) *gwErr {
	if r.Header.Get("X-Auth-Token") != "" {
		t, err := s.tokenOf(r)
		if err != nil {
			return err
		}
		if t.projectID == "" {
			return &gwErr{status: http.StatusForbidden, code: "APIGW.0302",
				msg: "The IAM user is not authorized to access the API: the token is not scoped to a project."}
		}
		if t.projectID != projectID {
			return forbidden()
		}
		return nil
	}
	if strings.HasPrefix(r.Header.Get("Authorization"), algorithm) {
		if err := s.verifyAKSK(r, body); err != nil {
			return err
		}
		a, _ := parseAuthorization(r.Header.Get("Authorization"))
		switch p := r.Header.Get("X-Project-Id"); {
		case p == "":
			return authFail("x-project-id is missing: an AK/SK request names its project")
		case !slices.Contains(a.signedHeaders, "x-project-id"):
			return authFail("verify aksk signature fail, x-project-id is not signed")
		case p != projectID:
			return forbidden()
		}
		return nil
	}
	return authFail("x-auth-token not found")
}

// authenticateIAM authenticates an IAM API call: a project- or domain-scoped
// token, or an AK/SK signature (with no project to name yet).
func (s *Server) authenticateIAM(r *http.Request, body []byte) *gwErr {
	if r.Header.Get("X-Auth-Token") != "" {
		t, err := s.tokenOf(r)
		if err != nil {
			return err
		}
		if t.projectID == "" && t.domainID == "" {
			return &gwErr{status: http.StatusForbidden, code: "APIGW.0302",
				msg: "The IAM user is not authorized to access the API: an unscoped token cannot list projects."}
		}
		return nil
	}
	if strings.HasPrefix(r.Header.Get("Authorization"), algorithm) {
		return s.verifyAKSK(r, body)
	}
	return authFail("x-auth-token not found")
}

func forbidden() *gwErr {
	return &gwErr{status: http.StatusForbidden, code: "APIGW.0302",
		msg: "The IAM user is not authorized to access the API: the project in the request does not belong to the credentials."}
}
