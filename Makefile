# Qingfeng: `make run` serves the demo; `make test` builds and runs every test.
SHELL := /bin/bash
# ccache: paths under the checkout are hashed relative to it, and the working directory, which it would otherwise hash
# into every compile with debug information, is left out, so that a fresh clone reuses what another clone compiled
# (a clean build 401 s, the next clone's 115 s; docs/PERFORMANCE.md, "Build and make test time").
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
BUILD := build
BIN := $(BUILD)/qingfeng
DEMO_DB ?= var/demo.db
T := scripts/timed.sh  # prints how long a step of make test took
PORT ?= 8080

.PHONY: deps build web webtest e2e run run-pg test test-pg pg-suites unit apitest crashtest bench soak clean fuzz-build fuzz fuzz-smoke
FUZZERS := receipt_fuzz table_fuzz json_fuzz http_fuzz
# The system tests that touch a database: make test runs them on SQLite, then on PostgreSQL (pg-suites), two at a
# time (scripts/parallel.py), longest first.
DB_SYSTEM_TESTS := backup reports placement crash bodies access_matrix storage notify public_data cli ledger imports limits open311 privacy web
# A suite for scripts/parallel.py: LABEL=COMMAND.
suite = "$(1)=python3 tests/system/$(1)_test.py --bin $(BIN)"
API_SUITE := "api=python3 tests/api/run.py --bin $(BIN)"

deps:
	@$(T) deps bash scripts/install-deps.sh

build: deps
	@cmake --preset default >/dev/null
	@$(T) build cmake --build --preset default

# The web app (portal and console), served by the same binary from web/dist.
web: deps
	@$(T) web bash scripts/build-web.sh

webtest: web
	@cd web && npx vitest run
	@cd web && node scripts/sizes.mjs --quiet

# Playwright journeys in Debian's chromium against the real server (screenshots go to build/e2e/).
e2e: build web
	@node tests/e2e/run.mjs --bin $(BIN)

$(DEMO_DB): | build
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN) demo --db $(DEMO_DB)

run: build web $(DEMO_DB)
	$(BIN) serve --db $(DEMO_DB) --listen 127.0.0.1:$(PORT) --web web/dist

# The demo on PostgreSQL: a throwaway cluster (removed when the server stops), the demo built into it, served.
run-pg: build web
	@tests/with-pg.sh bash -c 'createdb demo && export QINGFENG_KEY_DIR="$$QF_TEST_PG" && \
	  $(BIN) demo --db "postgresql://qingfeng@/demo?host=$$QF_TEST_PG" && \
	  $(BIN) serve --db "postgresql://qingfeng@/demo?host=$$QF_TEST_PG" --listen 127.0.0.1:$(PORT) --web web/dist'

unit: build
	@cd $(BUILD) && ctest --output-on-failure -j2

apitest: build
	@python3 tests/api/run.py --bin $(BIN)

crashtest: build
	@python3 tests/system/crash_test.py --bin $(BIN)

# The black-box tests copy one demo per backend (tests/lib/qfserver.py build_demo) instead of building their own:
# made afresh by each run.
test test-pg: export QF_DEMO_CACHE := $(abspath $(BUILD))/demo-cache
test: build web
	@rm -rf $(abspath $(BUILD))/demo-cache
	@$(T) unit bash -c 'cd $(BUILD) && ctest --output-on-failure -j2'
	@$(T) web-unit bash -c 'cd web && npx vitest run'
	@QF_E2E_PHOTOS=0 $(T) e2e node tests/e2e/run.mjs --bin $(BIN)
	@$(T) suites python3 scripts/parallel.py -j 2 $(API_SUITE) $(foreach t,upgrade $(DB_SYSTEM_TESTS) openapi,$(call suite,$(t)))
	@$(T) postgresql tests/with-pg.sh $(MAKE) --no-print-directory pg-suites

# The PostgreSQL half alone, on a throwaway cluster.
test-pg: build web
	@rm -rf $(abspath $(BUILD))/demo-cache
	@tests/with-pg.sh $(MAKE) --no-print-directory pg-suites

# Every suite that touches a database, on PostgreSQL (run inside tests/with-pg.sh, which sets QF_TEST_PG): the C++
# tests that open a store (scripts/store-tests.sh; the others answer the same on either backend), the
# journeys alone (Chinese only, no photographs; beside the suites, whose demo copies and bulk writes load the cluster's
# disk, a journey step once missed its 10 s wait), then the suites two at a time. The journeys there walk the case,
# duty and import domains (the case list, search, intake, sign-in and writes of every kind, in one lane each): the
# other domains' pages make requests the API suite and the system tests make on both backends (API scenario 36 holds
# the forms only the console sent), and their journeys took two minutes more of the run. The storage
# suite runs alone: it fills a tablespace's disk in the cluster the others share, and what a full disk does to the
# cluster (its checkpoints, its other databases' CREATE and DROP) is not for another suite to meet by chance.
pg-suites:
	@test -n "$$QF_TEST_PG" || { echo "pg-suites: run through tests/with-pg.sh" >&2; exit 2; }
	@echo "== on PostgreSQL"
	@$(T) pg-unit bash -c "cd $(BUILD) && ctest --output-on-failure -j2 -R \"\$$(bash ../scripts/store-tests.sh)\""
	@QF_E2E_ONLY=cases,duty,imports QF_E2E_LOCALES=zh-CN QF_E2E_SHOTS=0 QF_E2E_REDUCED_MOTION=1 $(T) pg-e2e node tests/e2e/run.mjs --bin $(BIN)
	@$(T) pg-system python3 scripts/parallel.py -j 2 $(foreach t,standby upgrade,$(call suite,$(t))) $(API_SUITE) \
	  $(foreach t,dbcopy $(filter-out storage,$(DB_SYSTEM_TESTS)) failover schema,$(call suite,$(t)))
	@$(T) storage python3 tests/system/storage_test.py --bin $(BIN)

# libFuzzer targets, built by clang with ASan and UBSan in their own tree. make test replays their saved inputs
# (ctest's fuzz.* tests); fuzz-smoke fuzzes each for 15 s, fuzz for five minutes.
fuzz-build: deps
	@CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DQF_FUZZ=ON -DQF_UNITY=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-fuzz -j2 --target $(FUZZERS)

fuzz-smoke: fuzz-build
	@bash fuzz/run.sh 15

fuzz: fuzz-build
	@bash fuzz/run.sh 300

bench: build
	@python3 bench/intake/run.py

# A bounded soak (10 minutes unless SOAK_MINUTES is set; not part of make test): bench/soak/run.py.
SOAK_MINUTES ?= 10
soak: build web
	@python3 bench/soak/run.py --minutes $(SOAK_MINUTES) --bin $(BIN)

clean:
	rm -rf $(BUILD)
