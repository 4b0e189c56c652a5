#!/bin/sh
# CodeArts Pipeline extension entry point: hands the step's inputs to the bundled runner and
# execs `bin/runner perftest`, so the pipeline's stop signal reaches the runner itself (which
# then stops the remote run).
#
# Each input arrives as an environment variable named like the input (project_id); the runner
# reads CODEARTS_<NAME> (CODEARTS_PROJECT_ID). An empty input means "not set" (the runner's
# default or its HUAWEICLOUD_SDK_* fallback applies); a CODEARTS_* variable already set wins.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

# The inputs of codearts-extension.json, in its order (internal/actioncheck keeps them in step).
INPUTS='
region project_id ak sk security_token token username password domain cpts_endpoint
iam_endpoint test_suite task cases resource_group variables restore_variables gates gates_file
baseline baseline_required trend timeout on_timeout wait run_id run_tag codearts_project_id
testplan_endpoint plan service_id plan_case_map junit_file result_file dotenv_file html_report simulate
sim_scale poll_interval max_calls_per_minute request_timeout retries debug definition profile dry_run
sync_only preflight
'

for name in $INPUTS; do
	var=CODEARTS_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
	eval "value=\${$name-}"
	eval "current=\${$var-}"
	if [ -n "$value" ] && [ -z "$current" ]; then
		export "$var=$value"
	fi
done

# A retried step attaches to the run it started instead of starting a second one.
if [ -z "${CODEARTS_RUN_TAG-}" ] && [ -n "${PIPELINE_RUN_ID-}" ]; then
	export CODEARTS_RUN_TAG="codearts-${PIPELINE_RUN_ID}-${STEP_ID-step}"
fi

exec "$here/bin/runner" perftest
