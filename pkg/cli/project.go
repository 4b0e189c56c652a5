package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/auth"
	"github.com/codearts-runner/codearts-runner/pkg/config"
)

// setupAuth builds the one authentication of the process, shared by every client (one IAM token,
// one project look-up), and resolves the IAM project id when the mode needs it and the settings
// lack it (issue 11): perftest for its paths, and every AK/SK mode for X-Project-Id. A password
// token is scoped to the project id, or to the project by name (the region) when the id is
// unknown; that token's project is then the project. It returns the exit code of a failure.
func (a *app) setupAuth(ctx context.Context, s *config.Settings, mode config.Mode) (int, error) {
	method, err := s.AuthFor(mode)
	if err != nil {
		return ExitUsage, err
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	var lookup http.RoundTripper // authenticates the IAM look-up: no X-Project-Id yet
	switch method {
	case config.AuthAKSK:
		lookup = auth.NewAKSK(base, auth.AKSK{AK: s.AK, SK: s.SK, SecurityToken: s.SecurityToken})
	case config.AuthToken:
		a.tr = auth.NewToken(base, s.Token)
		lookup = a.tr
	default:
		a.tr = auth.NewPassword(base, auth.Password{IAMEndpoint: s.IAM(), Username: s.Username, Password: s.Password,
			Domain: s.Domain, ProjectID: s.ProjectID, ProjectName: s.Region,
			// Each fetched IAM token is masked (and ::add-mask::ed) before anything can print it.
			OnToken: func(tok string) { a.addSecrets(tok) }})
	}
	if s.ProjectID == "" && (mode == config.PerfTest || method == config.AuthAKSK) {
		r := &auth.ProjectResolver{Region: s.Region}
		if scoped, ok := a.tr.(auth.ProjectScoped); ok {
			r.Scoped = scoped
		} else if r.IAM, err = a.newClient(s, auth.IAMBase(s.IAM()), lookup); err != nil {
			return ExitUsage, fmt.Errorf("iam client: %w", err)
		}
		id, err := r.ProjectID(ctx)
		switch {
		case errors.Is(err, context.Canceled):
			return ExitCancelled, err
		case errors.Is(err, auth.ErrProjectNotUnique):
			return ExitUsage, err
		case err != nil:
			return ExitAPI, err
		}
		s.ProjectID = id
		fmt.Fprintf(a.out, "IAM project of %s: %s (looked up in IAM; set project-id to skip the look-up)\n", s.Region, id)
	}
	if method == config.AuthAKSK {
		a.tr = auth.NewAKSK(base, auth.AKSK{AK: s.AK, SK: s.SK, SecurityToken: s.SecurityToken, ProjectID: s.ProjectID})
	}
	return 0, nil
}

// newClient builds the wire client of one endpoint with transport tr.
func (a *app) newClient(s *config.Settings, endpoint string, tr http.RoundTripper) (*api.Client, error) {
	retries := s.Retries
	if retries == 0 {
		retries = -1 // api: 0 means the default, a negative value means none
	}
	return api.New(api.Config{Endpoint: endpoint, Transport: tr, Timeout: s.RequestTimeout,
		RetryMax: retries, Logger: a.logger(s), Debug: s.Debug, UserAgent: "codearts-runner/" + a.env.Version})
}
