# cipms — the two commands a user needs: `make run` and `make test`.
# Both first install what is missing (scripts/install-deps.sh), then build incrementally.
SHELL := /bin/bash
BUILD ?= build
DB ?= var/cipms.db
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: all deps configure build web run test test-asan bench clean

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
