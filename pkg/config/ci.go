package config

// CI describes the CI system the runner runs in, read from its variables.
type CI struct {
	// GitHub is true inside GitHub Actions (GITHUB_ACTIONS=true).
	GitHub bool
	// GitHubOutput, GitHubStepSummary and GitHubEnv are the files GitHub gives a step.
	GitHubOutput, GitHubStepSummary, GitHubEnv string
	// GitHubDebug is true when the runner asked for debug logs (RUNNER_DEBUG=1).
	GitHubDebug bool
	// GitLab is true inside GitLab CI (GITLAB_CI=true).
	GitLab bool
	// Jenkins is true inside Jenkins (JENKINS_URL set).
	Jenkins bool
	// CodeArts is true inside a CodeArts pipeline step (STEP_ID and PIPELINE_ID set).
	CodeArts bool
	// CodeArtsStepID is STEP_ID; CodeArtsResultDir is RESULT_MSG_PATH (default: the working directory).
	CodeArtsStepID, CodeArtsResultDir string
	// RunID identifies this CI run and job, the same across re-runs of the job, for the
	// default run tag.
	RunID string
}

// DetectCI reads the CI system from environ.
func DetectCI(environ map[string]string) CI {
	c := CI{
		GitHub:            environ["GITHUB_ACTIONS"] == "true",
		GitHubOutput:      environ["GITHUB_OUTPUT"],
		GitHubStepSummary: environ["GITHUB_STEP_SUMMARY"],
		GitHubEnv:         environ["GITHUB_ENV"],
		GitHubDebug:       environ["RUNNER_DEBUG"] == "1",
		GitLab:            environ["GITLAB_CI"] == "true",
		Jenkins:           environ["JENKINS_URL"] != "",
		CodeArtsStepID:    environ["STEP_ID"],
		CodeArtsResultDir: environ["RESULT_MSG_PATH"],
	}
	c.CodeArts = c.CodeArtsStepID != "" && environ["PIPELINE_ID"] != ""
	switch {
	case c.GitHub && environ["GITHUB_RUN_ID"] != "":
		c.RunID = "gh-" + environ["GITHUB_RUN_ID"] + "-" + environ["GITHUB_JOB"]
	case c.GitLab:
		c.RunID = "gl-" + environ["CI_PIPELINE_ID"] + "-" + environ["CI_JOB_NAME"]
	case c.Jenkins:
		c.RunID = "jk-" + environ["BUILD_TAG"]
	case c.CodeArts:
		c.RunID = "ca-" + environ["PIPELINE_RUN_ID"] + "-" + c.CodeArtsStepID
	}
	return c
}
