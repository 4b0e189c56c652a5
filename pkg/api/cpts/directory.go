package cpts

import (
	"context"
	"fmt"
)

// Kinds of a case tree entry (`type`).
const (
	// EntryDirectory is a directory of the case tree.
	EntryDirectory = 1
	// EntryCase is a case.
	EntryCase = 2
)

// DirectoryEntry is one node of a suite's case tree: a directory or a case
// (ListProjectTestCase `directory[]`, ProjectDirectory). Entries form a
// tree through ParentID (0 at the top).
type DirectoryEntry struct {
	// ID is the directory or case id (a case id is a `case_id` of tasks).
	ID Int `json:"id"`
	// Name is the directory or case name.
	Name string `json:"name"`
	// Status is 0 deleted, 1 enabled, 2 disabled.
	Status Int `json:"status"`
	// CreateTime is the creation time as sent (RFC 3339).
	CreateTime string `json:"create_time"`
	// UpdateTime is the last update time as sent (RFC 3339).
	UpdateTime string `json:"update_time"`
	// ParentID is the directory holding the entry; 0 at the top.
	ParentID Int `json:"parent_id"`
	// Type is EntryDirectory or EntryCase.
	Type Int `json:"type"`
}

// IsCase reports whether the entry is a case (not a directory).
func (e DirectoryEntry) IsCase() bool { return e.Type == EntryCase }

type directoryAnswer struct {
	Directory []DirectoryEntry `json:"directory"`
}

// ListSuiteCases returns the case tree of suite suiteID
// (ListProjectTestCase, GET /v1/{project_id}/test-suites/{id}/directory):
// every entry, directories and cases alike, in the order sent. Use IsCase
// to keep the cases (for example to resolve case names to ids).
func (c *Client) ListSuiteCases(ctx context.Context, suiteID int64) ([]DirectoryEntry, error) {
	var ans directoryAnswer
	op := fmt.Sprintf("list case tree of suite %d", suiteID)
	if err := c.get(ctx, op, c.path("v1", "/test-suites/%d/directory", suiteID), nil, &ans); err != nil {
		return nil, err
	}
	if ans.Directory == nil {
		return []DirectoryEntry{}, nil
	}
	return ans.Directory, nil
}
