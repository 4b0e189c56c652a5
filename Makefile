# codearts-runner — every target works on a fresh machine with only Go and make.
GO        ?= go
BIN       ?= bin/runner
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
TOOLS     := $(CURDIR)/.tools/bin

.PHONY: build test demo lint bench faults fuzz clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/runner

## demo: a complete gated run against the built-in simulator; writes codearts-junit.xml
demo: build
	./$(BIN) perftest --simulate

test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

clean:
	rm -rf bin dist .tools codearts-junit.xml codearts-result.json
