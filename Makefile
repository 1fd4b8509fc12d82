# cipms — the two commands a user needs: `make run` and `make test`.
# Both first install what is missing (scripts/install-deps.sh), then build incrementally.
SHELL := /bin/bash
BUILD ?= build
DB ?= var/cipms.db
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: all deps configure build web run test test-asan fuzz bench bench-http clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then cmake --preset release >/dev/null; fi

build: configure web
	@cmake --build $(BUILD) -j $(JOBS)

# The web UI (web/dist, served by `cipms serve`): rebuilt only when a source is newer than it.
WEB_SRC := web/src web/public web/index.html web/vite.config.ts web/package.json web/package-lock.json
web: deps
	@if [ ! -f web/dist/index.html ] || [ -n "$$(find $(WEB_SRC) -type f -newer web/dist/index.html 2>/dev/null | head -1)" ]; then \
	  echo "web: vite build"; cd web && npm run --silent build; fi

# Serves the API and web UI on http://$(LISTEN); creates $(DB) with the demo network the first time
# and opens this year's survey round if there is none.
run: build
	@mkdir -p $(dir $(DB))
	$(BUILD)/cipms serve --db $(DB) --listen $(LISTEN) --demo --demo-round

# Every test suite; ends with one pass/fail count.
test: build
	@scripts/run-tests.sh $(BUILD)

# The C++ suites under ASan + UBSan (the web UI tests are not C++: skipped here).
test-asan: deps
	@if [ ! -f build-asan/build.ninja ]; then cmake --preset asan >/dev/null; fi
	@cmake --build build-asan -j $(JOBS)
	@CIPMS_SKIP_WEB_TESTS=1 scripts/run-tests.sh build-asan

# libFuzzer (clang): builds fuzz/*_fuzzer and runs each for FUZZ_SECONDS from fuzz/corpus/<target>
# (new inputs go to build-fuzz/corpus, crashes to build-fuzz/artifacts). See fuzz/README.md.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= network_json network_csv scenario_json list_query registry_body
fuzz: deps
	@if [ ! -f build-fuzz/build.ninja ]; then cmake --preset fuzz >/dev/null; fi
	@cmake --build build-fuzz -j $(JOBS) --target fuzzers
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh build-fuzz $(FUZZ_TARGETS)

bench: configure
	@cmake --build $(BUILD) -j $(JOBS) --target cipms benches
	@scripts/run-benches.sh $(BUILD)

# HTTP load (wrk on loopback, read-heavy and write-heavy mixes; see docs/performance.md).
bench-http: configure
	@cmake --build $(BUILD) -j $(JOBS) --target cipms
	@scripts/bench-http.sh $(BUILD)

clean:
	rm -rf build build-debug build-asan build-fuzz
