package cpts

import (
	"context"
	"fmt"
	"net/http"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// batchStartBody is the BatchUpdateTaskStatus body (SDK BatchUpdateTaskStatusRequestBody): the
// start body of UpdateTaskStatus with the suite (`project_id`) and the tasks.
type batchStartBody struct {
	ProjectID  int64   `json:"project_id"`
	TaskIDList []int64 `json:"task_id_list"`
	taskStatusBody
}

type batchAnswer struct {
	Result []struct {
		TaskID    Int `json:"task_id"`
		TaskRunID Int `json:"task_run_id"`
	} `json:"result"`
}

// StartTasks starts tasks taskIDs of suite suiteID in one call (BatchUpdateTaskStatus,
// `POST /v1/{project_id}/test-suites/{test_suit_id}/tasks/batch-update-task-status` with status
// 9, never retried) and returns the run id of each task by task id. An answer that does not
// name a run for every task is ErrNoData.
func (c *Client) StartTasks(ctx context.Context, suiteID int64, taskIDs []int64, cl Cluster) (map[int64]int64, error) {
	op := fmt.Sprintf("start tasks %v of suite %d", taskIDs, suiteID)
	var ans batchAnswer
	body := batchStartBody{ProjectID: suiteID, TaskIDList: taskIDs, taskStatusBody: newStartBody(cl)}
	call := api.Call{Op: op, Method: http.MethodPost, Path: c.path("v1", "/test-suites/%d/tasks/batch-update-task-status", suiteID), Body: body}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return nil, err
	}
	runs := make(map[int64]int64, len(taskIDs))
	for _, r := range ans.Result {
		if r.TaskRunID != 0 {
			runs[int64(r.TaskID)] = int64(r.TaskRunID)
		}
	}
	for _, id := range taskIDs {
		if runs[id] == 0 {
			return runs, fmt.Errorf("%s: no task_run_id for task %d: %w", op, id, ErrNoData)
		}
	}
	return runs, nil
}
