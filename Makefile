# cipms — the two commands a user needs: `make run` and `make test`.
# Both first install what is missing (scripts/install-deps.sh), then build incrementally.
SHELL := /bin/bash
BUILD ?= build
DB ?= var/cipms.db
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: all deps configure build run test test-asan bench clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then cmake --preset release >/dev/null; fi

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Serves the API and web UI on http://$(LISTEN); creates $(DB) with the demo network the first time.
run: build
	@mkdir -p $(dir $(DB))
	$(BUILD)/cipms serve --db $(DB) --listen $(LISTEN) --demo

# Every test suite; ends with one pass/fail count.
test: build
	@scripts/run-tests.sh $(BUILD)

test-asan: deps
	@if [ ! -f build-asan/build.ninja ]; then cmake --preset asan >/dev/null; fi
	@cmake --build build-asan -j $(JOBS)
	@scripts/run-tests.sh build-asan

bench: configure
	@cmake --build $(BUILD) -j $(JOBS) --target cipms benches
	@scripts/run-benches.sh $(BUILD)

clean:
	rm -rf build build-debug build-asan
