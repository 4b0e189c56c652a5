# codearts-runner — every target works on a fresh machine with only Go and make (image needs
# root for apt and buildah).
GO        ?= go
BIN       ?= bin/runner
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
TOOLS     := $(CURDIR)/.tools/bin
ACTIONLINT := $(TOOLS)/actionlint
FUZZTIME  ?= 30s

.PHONY: build test demo lint lint-actions bench faults fuzz image extension tools clean

## build: the runner binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/runner

## demo: a complete gated run against the built-in simulator; writes codearts-junit.xml
demo: build
	./$(BIN) perftest --simulate

## test: vet and every test (actionlint is installed first so the workflow checks run)
test: $(ACTIONLINT)
	@for t in xmllint shellcheck; do command -v $$t >/dev/null 2>&1 || echo "note: $$t is not installed: its checks are skipped here (with CI=true they fail; .ci/run installs it)"; done
	$(GO) vet ./...
	PATH="$(TOOLS):$$PATH" $(GO) test -count=1 ./...

lint: $(ACTIONLINT)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	PATH="$(TOOLS):$$PATH" $(GO) test -count=1 ./internal/actioncheck/

## lint-actions: action.yml, the extension and the examples in step with the settings; actionlint
lint-actions: $(ACTIONLINT)
	PATH="$(TOOLS):$$PATH" $(GO) test -count=1 ./internal/actioncheck/

tools: $(ACTIONLINT)

$(ACTIONLINT):
	GOBIN=$(TOOLS) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

## bench: the benchmark table (detection latency and API calls against a fixed 5 s poller,
## big report, start-up, sizes) and the Go benchmarks
bench: build
	$(GO) test -run='^$$' -bench=. -benchmem ./pkg/...
	$(GO) run ./bench -runner $(BIN)

## faults: the fault-injection table, 3 runs per row
faults:
	mkdir -p dist
	FAULTS_RUNS=$${FAULTS_RUNS:-3} FAULTS_TABLE=$(CURDIR)/dist/faults.md $(GO) test -count=1 -timeout 10m -run TestFaults -v ./internal/faults/ | grep -v '^=== \|^--- \|^    ---' ; cat dist/faults.md

## fuzz: every fuzz target for FUZZTIME each
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./pkg/gates/
	$(GO) test -run='^$$' -fuzz='^FuzzParseFile$$' -fuzztime=$(FUZZTIME) ./pkg/gates/
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZTIME) ./pkg/api/cpts/
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZTIME) ./pkg/api/cloudtest/
	$(GO) test -run='^$$' -fuzz='^FuzzLoad$$' -fuzztime=$(FUZZTIME) ./pkg/config/
	$(GO) test -run='^$$' -fuzz='^FuzzRead$$' -fuzztime=$(FUZZTIME) ./pkg/api/mas/
	$(GO) test -run='^$$' -fuzz='^FuzzCleaners$$' -fuzztime=$(FUZZTIME) ./pkg/redact/

## image: codearts-runner:dev built offline with buildah, then the simulated gated run inside it
image:
	VERSION=$(VERSION) scripts/build-image.sh

## extension: dist/codearts-extension.zip for CodeArts pipelines
extension:
	VERSION=$(VERSION) scripts/build-extension.sh

clean:
	rm -rf bin dist .tools codearts-junit.xml codearts-result.json codearts-report.html
