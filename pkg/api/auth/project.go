package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// ErrProjectNotUnique means IAM lists no project, or several, under the region's name: the
// user has to set the project id. It is a settings problem, not an outage.
var ErrProjectNotUnique = errors.New("the IAM project of the region is not unique")

// ProjectScoped is an authentication whose credentials already name their IAM project (a
// password token scoped by project name reports the project's id).
type ProjectScoped interface {
	ScopedProject(ctx context.Context) (string, error)
}

// ProjectResolver finds the IAM project id of a region once, as the official SDK does when its
// credentials carry none (core/auth/basic_credentials.go): IAM `GET /v3/projects?name={region}`
// must list exactly one project. Every client of the process shares the answer.
type ProjectResolver struct {
	// IAM is a client of the IAM endpoint whose transport authenticates without a project
	// (AK/SK without X-Project-Id, or a token). When its transport is ProjectScoped, IAM is
	// not called.
	IAM *api.Client
	// Scoped, when non-nil, names the project instead of the IAM look-up.
	Scoped ProjectScoped
	// Region is the project name to look up (the region id, e.g. cn-north-4).
	Region string

	mu sync.Mutex
	id string
}

// projectList is the part of IAM's KeystoneListProjects answer we use.
type projectList struct {
	Projects []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"projects"`
}

// ProjectID returns the region's project id, asking IAM on the first call only (an error is
// not remembered: a later call asks again).
func (r *ProjectResolver) ProjectID(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.id != "" {
		return r.id, nil
	}
	var (
		id  string
		err error
	)
	if r.Scoped != nil {
		id, err = r.Scoped.ScopedProject(ctx)
	} else {
		id, err = r.lookup(ctx)
	}
	if err != nil {
		return "", err
	}
	r.id = id
	return id, nil
}

func (r *ProjectResolver) lookup(ctx context.Context) (string, error) {
	if r.IAM == nil {
		return "", errors.New("auth: project look-up: no IAM client")
	}
	var out projectList
	err := r.IAM.Do(ctx, api.Call{Op: fmt.Sprintf("IAM list projects named %q", r.Region), Path: "/v3/projects",
		Query: url.Values{"name": {r.Region}}, Idempotent: true}, &out)
	if err != nil {
		return "", fmt.Errorf("look up the IAM project of region %s: %w", r.Region, err)
	}
	// The name filter is documented; an answer that ignored it must not pick another project.
	var ids []string
	for _, p := range out.Projects {
		if p.Name == r.Region && p.ID != "" {
			ids = append(ids, p.ID)
		}
	}
	switch len(ids) {
	case 1:
		return ids[0], nil
	case 0:
		return "", fmt.Errorf("project-id is not set and IAM lists no project named %q for these credentials: check region, or set project-id: %w", r.Region, ErrProjectNotUnique)
	}
	return "", fmt.Errorf("project-id is not set and IAM lists %d projects named %q (%s): set project-id to one of them: %w",
		len(ids), r.Region, strings.Join(ids, ", "), ErrProjectNotUnique)
}

// IAMBase turns an IAM endpoint setting (which may end in /v3 or /v3/auth/tokens, as the
// password authentication accepts) into the endpoint's base URL.
func IAMBase(endpoint string) string {
	u := strings.TrimRight(strings.TrimSpace(endpoint), "/")
	u = strings.TrimSuffix(u, "/v3/auth/tokens")
	return strings.TrimSuffix(u, "/v3")
}
