# gotaegis: build, test, benchmark and demo.
GO       ?= go
BIN      := bin/gotaegis
# Debian's own python3, which has jupyter_client and the conformance suite.
PYTHON   ?= /usr/bin/python3
FUZZTIME ?= 10s

.PHONY: all build test test-go test-fuzz test-jupyter bench demo lint generate clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/gotaegis

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

generate:
	$(GO) generate ./...

test: build lint test-go test-fuzz test-jupyter

# GOTAEGIS_BIN lets tests that run the binary reuse the one just built.
test-go: build
	GOTAEGIS_BIN=$(abspath $(BIN)) $(GO) test -race -count=1 ./...

# Each fuzz target runs for a bounded time; scripts/fuzz-targets lists them.
test-fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) scripts/fuzz

# End-to-end tests through Jupyter's own clients (conformance suite, nbconvert, console, browser).
test-jupyter: build
	PYTHON=$(PYTHON) BIN=$(abspath $(BIN)) scripts/test-jupyter

bench: build
	PYTHON=$(PYTHON) BIN=$(abspath $(BIN)) scripts/bench-dataframe
	PYTHON=$(PYTHON) BIN=$(abspath $(BIN)) scripts/bench

demo: build
	PYTHON=$(PYTHON) BIN=$(abspath $(BIN)) scripts/demo

clean:
	rm -rf bin
