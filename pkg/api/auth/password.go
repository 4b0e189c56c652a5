package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// RefreshMargin is how long before its expiry a cached IAM token is replaced.
const RefreshMargin = 5 * time.Minute

// fallbackLifetime is assumed when IAM answers without a readable token.expires_at.
const fallbackLifetime = time.Hour

// maxIAMBody bounds the IAM answer read (the token body without catalogue is small).
const maxIAMBody = 4 << 20

// Password holds the IAM user whose password buys a project-scoped token.
type Password struct {
	IAMEndpoint string           // e.g. https://iam.cn-north-4.myhuaweicloud.com ("/v3" or "/v3/auth/tokens" suffix accepted)
	Username    string           // IAM user name
	Password    string           // never logged or shown in errors
	Domain      string           // account (domain) name; "" = Username (the account's own user)
	ProjectID   string           // IAM project id the token is scoped to
	ProjectName string           // project (region) name the token is scoped to when ProjectID is ""
	Now         func() time.Time // clock for expiry decisions; nil = time.Now
	HTTPClient  *http.Client     // client for IAM; nil = base transport with a 30 s timeout; its CheckRedirect is replaced: no redirect is followed
	// OnToken, when set, is called with each token fetched from IAM before the token is used
	// or returned, so that the caller can register it as a secret to mask.
	OnToken func(token string)
}

// NewPassword returns a RoundTripper that sends an IAM token as X-Auth-Token and passes the
// request to base (nil = http.DefaultTransport). The token is fetched from IAM
// (POST /v3/auth/tokens, password method, scoped to the project by id, or by name when the id
// is unknown, as the vendor documents show) on first use, shared by all
// requests, fetched by one caller at a time, and replaced within RefreshMargin of its expiry.
// A 401 from the service discards the token and retries the request once with a new one.
// IAM's refusal of the credentials (4xx other than 408/429) is remembered and returned to
// every later request without asking IAM again, so a wrong password cannot lock the account.
// IAM answering with a redirect is refused (*api.RedirectError, never followed: the password
// body stays home) and remembered in the same way.
func NewPassword(base http.RoundTripper, p Password) http.RoundTripper {
	base = defaultBase(base)
	client := p.HTTPClient
	if client == nil {
		client = &http.Client{Transport: base, Timeout: 30 * time.Second}
	}
	// A redirect followed would send the password to the Location: none is.
	client = api.NoRedirects(client)
	now := p.Now
	if now == nil {
		now = time.Now
	}
	return &passwordTransport{base: base, cfg: p, client: client, now: now, red: redact.New(p.Password), lock: make(chan struct{}, 1)}
}

type passwordTransport struct {
	base   http.RoundTripper
	cfg    Password
	client *http.Client
	now    func() time.Time
	red    *redact.Redactor // the password, masked in IAM's answers before they are cut or parsed

	lock    chan struct{} // held while the fields below are read or refreshed
	token   string
	expires time.Time
	refused error  // IAM's permanent refusal of the credentials
	project string // id of the project the token is scoped to, from IAM's answer
}

// ScopedProject returns the id of the IAM project the token is scoped to: ProjectID when set,
// else the project IAM reports in its answer to a token scoped by name (fetching a token first
// when none is cached). It implements ProjectScoped.
func (t *passwordTransport) ScopedProject(ctx context.Context) (string, error) {
	if t.cfg.ProjectID != "" {
		return t.cfg.ProjectID, nil
	}
	if _, err := t.get(ctx, ""); err != nil {
		return "", err
	}
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("auth: waiting for the IAM token: %w", ctx.Err())
	}
	defer func() { <-t.lock }()
	if t.project == "" {
		return "", api.Permanent(fmt.Errorf("auth: IAM token request: the answer names no project for the token scoped to %q", t.cfg.ProjectName))
	}
	return t.project, nil
}

// RoundTrip authenticates a clone of r with the cached token and sends it; on 401 it
// refreshes the token and sends the request once more.
func (t *passwordTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	c := r.Clone(ctx)
	if _, err := replayable(c); err != nil {
		closeBody(r)
		return nil, err
	}
	tok, err := t.get(ctx, "")
	if err != nil {
		closeBody(c)
		return nil, err
	}
	c.Header.Set(HeaderAuthToken, tok)
	retry := c.Clone(ctx) // before sending: the transport consumes c.Body
	resp, err := t.base.RoundTrip(c)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}

	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if tok, err = t.get(ctx, tok); err != nil {
		return nil, err
	}
	if retry.GetBody != nil {
		if retry.Body, err = retry.GetBody(); err != nil {
			return nil, fmt.Errorf("auth: rewind request body: %w", err)
		}
	}
	retry.Header.Set(HeaderAuthToken, tok)
	return t.base.RoundTrip(retry)
}

// get returns a valid token. When stale is the cached token it is discarded first (the
// service refused it); a token another caller already refreshed is returned as is.
func (t *passwordTransport) get(ctx context.Context, stale string) (string, error) {
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("auth: waiting for the IAM token: %w", ctx.Err())
	}
	defer func() { <-t.lock }()

	if t.refused != nil {
		return "", t.refused
	}
	if stale != "" && t.token == stale {
		t.token = ""
	}
	now := t.now()
	if t.token != "" && now.Before(t.expires.Add(-RefreshMargin)) {
		return t.token, nil
	}
	tok, exp, project, err := t.fetch(ctx, now)
	if err != nil {
		var ae *api.APIError
		if api.IsRedirect(err) || errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 &&
			ae.Status != http.StatusRequestTimeout && ae.Status != http.StatusTooManyRequests {
			t.refused = err
		}
		return "", err
	}
	if t.cfg.OnToken != nil {
		t.cfg.OnToken(tok)
	}
	t.token, t.expires = tok, exp
	if project != "" {
		t.project = project
	}
	return tok, nil
}

// iamRequest is the body of POST /v3/auth/tokens with the password method.
type iamRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project struct {
				ID   string `json:"id,omitempty"`
				Name string `json:"name,omitempty"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// iamResponse is the part of IAM's answer we use.
type iamResponse struct {
	Token struct {
		ExpiresAt string `json:"expires_at"`
		Project   struct {
			ID string `json:"id"`
		} `json:"project"`
	} `json:"token"`
}

// fetch asks IAM for a new token and returns it with its expiry and the id of its project.
func (t *passwordTransport) fetch(ctx context.Context, now time.Time) (string, time.Time, string, error) {
	const op = "IAM token request"
	p := t.cfg
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"IAM endpoint", p.IAMEndpoint}, {"user name", p.Username},
		{"password", p.Password}, {"project id or name", p.ProjectID + p.ProjectName},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return "", time.Time{}, "", api.Permanent(fmt.Errorf("auth: %s: missing %s", op, strings.Join(missing, ", ")))
	}

	var body iamRequest
	body.Auth.Identity.Methods = []string{"password"}
	user := &body.Auth.Identity.Password.User
	user.Name, user.Password, user.Domain.Name = p.Username, p.Password, p.Domain
	if user.Domain.Name == "" {
		user.Domain.Name = p.Username
	}
	if p.ProjectID != "" {
		body.Auth.Scope.Project.ID = p.ProjectID
	} else {
		body.Auth.Scope.Project.Name = p.ProjectName
	}
	data, err := json.Marshal(body)
	if err != nil {
		return "", time.Time{}, "", api.Permanent(fmt.Errorf("auth: %s: encode: %w", op, err))
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL(p.IAMEndpoint), bytes.NewReader(data))
	if err != nil {
		return "", time.Time{}, "", api.Permanent(fmt.Errorf("auth: %s: %w", op, t.scrubErr(err)))
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		return "", time.Time{}, "", fmt.Errorf("auth: %s: %w", op, t.scrubErr(api.RedirectOnly(err)))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxIAMBody))

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Masked before the error bounds it: a cut inside an echoed password (one with spaces,
		// or JSON-escaped) would leave a part the redactor can no longer recognise.
		ae := api.ErrorFromResponse(op, resp, t.red.Bytes(answer))
		return "", time.Time{}, "", fmt.Errorf("auth: %w", ae)
	}
	tok := resp.Header.Get("X-Subject-Token")
	if tok == "" {
		return "", time.Time{}, "", api.Permanent(fmt.Errorf("auth: %s: HTTP %d without an X-Subject-Token header", op, resp.StatusCode))
	}
	expires := now.Add(fallbackLifetime)
	var ir iamResponse
	if json.Unmarshal(answer, &ir) == nil && ir.Token.ExpiresAt != "" {
		if at, err := time.Parse(time.RFC3339, ir.Token.ExpiresAt); err == nil {
			expires = at
		}
	}
	return tok, expires, ir.Token.Project.ID, nil
}

// tokenURL turns the IAM endpoint into the token URL (catalogue omitted from the answer).
func tokenURL(endpoint string) string {
	u := strings.TrimRight(strings.TrimSpace(endpoint), "/")
	switch {
	case strings.HasSuffix(u, "/v3/auth/tokens"):
	case strings.HasSuffix(u, "/v3"):
		u += "/auth/tokens"
	default:
		u += "/v3/auth/tokens"
	}
	return u + "?nocatalog=true"
}

// scrubErr keeps err's chain when its text holds no form of the password, and flattens it
// (masked) otherwise.
func (t *passwordTransport) scrubErr(err error) error {
	if masked := t.red.String(err.Error()); masked != err.Error() {
		return errors.New(masked)
	}
	return err
}
