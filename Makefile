# cpe — the Commissioning Policy Engine.
#   make demo   set up, build, and run a demonstration on the bundled policies
#   make test   set up, build, and run every test
#   make build  build only (the command lands at build/cpe)
#   make bench  benchmarks;  make fuzz  libFuzzer run (clang)

BUILD_DIR ?= build
JOBS      ?= $(shell nproc)

# Debian packages the build, the tests and the benchmarks need. `make setup`
# installs the missing ones when run as root and otherwise prints the apt line.
BUILD_PKGS := cmake make g++ pkg-config default-jre-headless antlr4 libantlr4-runtime-dev libpq-dev \
              libsqlite3-dev libspdlog-dev libcli11-dev doctest-dev nlohmann-json3-dev \
              libcpp-httplib-dev zlib1g-dev sqlite3 libboost-dev libssl-dev libsimdjson-dev
TEST_PKGS  := chromium curl openssl clang-format postgresql neovim python3 poppler-utils
BENCH_PKGS := wrk valgrind time postgresql
FUZZ_PKGS  := clang libclang-rt-14-dev

.PHONY: all setup setup-test setup-node setup-node-packages setup-bench setup-fuzz build test demo bench fuzz clean vscode

all: build

define ensure_packages
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "cpe needs these Debian packages. Install them with:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
endef

setup:
	$(call ensure_packages,$(BUILD_PKGS))

setup-test: setup
	$(call ensure_packages,$(TEST_PKGS))
	@$(MAKE) --no-print-directory setup-node

# Test tools from npm (browser driver, accessibility scan, LSP client, TextMate
# tokenizer), pinned in tests/node/package-lock.json and never shipped; and the
# VS Code extension's packages (its client library, vsce), pinned in
# editors/vscode/package-lock.json, so that its packaging is tested offline. Node.js
# and npm come from Debian's nodejs (plus npm where Debian packages it apart).
setup-node:
	@if ! command -v npm >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory NODE_PKGS="nodejs npm" setup-node-packages || exit 1; \
	fi
	@if [ ! -f tests/node/node_modules/.package-lock.json ] || \
	    [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then \
	  echo "Installing the pinned npm test tools (tests/node/package-lock.json)"; \
	  npm ci --prefix tests/node --no-audit --no-fund --loglevel=error >/dev/null || exit 1; \
	fi
	@if [ ! -f editors/vscode/node_modules/.package-lock.json ] || \
	    [ editors/vscode/package-lock.json -nt editors/vscode/node_modules/.package-lock.json ]; then \
	  echo "Installing the VS Code extension's pinned npm packages (editors/vscode/package-lock.json)"; \
	  npm ci --prefix editors/vscode --no-audit --no-fund --loglevel=error >/dev/null || exit 1; \
	fi

setup-node-packages:
	$(call ensure_packages,$(NODE_PKGS))

setup-bench: setup
	$(call ensure_packages,$(BENCH_PKGS))

setup-fuzz: setup
	$(call ensure_packages,$(FUZZ_PKGS))

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: setup-test build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: setup build
	@./tools/demo.sh $(BUILD_DIR)/cpe

bench: setup-bench build
	@./bench/run.sh $(BUILD_DIR)

fuzz: setup-fuzz
	cmake -S . -B $(BUILD_DIR)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCPE_FUZZ=ON
	cmake --build $(BUILD_DIR)-fuzz -j $(JOBS) --target cpe_fuzz_parser cpe_fuzz_parse_paths cpe_fuzz_activity cpe_fuzz_case \
	  cpe_fuzz_lsp cpe_fuzz_care cpe_fuzz_request cpe_fuzz_mapped cpe_fuzz_batch_line
	mkdir -p $(BUILD_DIR)-fuzz/corpus $(BUILD_DIR)-fuzz/corpus-activity $(BUILD_DIR)-fuzz/corpus-case $(BUILD_DIR)-fuzz/corpus-lsp \
	  $(BUILD_DIR)-fuzz/corpus-care $(BUILD_DIR)-fuzz/corpus-request $(BUILD_DIR)-fuzz/corpus-mapped $(BUILD_DIR)-fuzz/corpus-parse-paths \
	  $(BUILD_DIR)-fuzz/corpus-batch-line
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_parser -max_total_time=$${FUZZ_SECONDS:-120} -max_len=4096 \
	  -timeout=5 -dict=fuzz/cpl.dict $(BUILD_DIR)-fuzz/corpus fuzz/corpus
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_parse_paths -max_total_time=$${FUZZ_SECONDS:-120} -max_len=4096 \
	  -timeout=5 -dict=fuzz/cpl.dict $(BUILD_DIR)-fuzz/corpus-parse-paths fuzz/corpus-parse-paths fuzz/corpus
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_activity -max_total_time=$${FUZZ_SECONDS:-120} -max_len=16384 \
	  -timeout=5 $(BUILD_DIR)-fuzz/corpus-activity fuzz/corpus-activity
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_case -max_total_time=$${FUZZ_SECONDS:-120} -max_len=8192 \
	  -timeout=5 $(BUILD_DIR)-fuzz/corpus-case fuzz/corpus-case
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_lsp -max_total_time=$${FUZZ_SECONDS:-120} -max_len=8192 \
	  -timeout=5 $(BUILD_DIR)-fuzz/corpus-lsp fuzz/corpus-lsp
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_care -max_total_time=$${FUZZ_SECONDS:-120} -max_len=8192 \
	  -timeout=5 $(BUILD_DIR)-fuzz/corpus-care fuzz/corpus-care
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_request -max_total_time=$${FUZZ_SECONDS:-120} -max_len=8192 \
	  -timeout=5 -dict=fuzz/http.dict $(BUILD_DIR)-fuzz/corpus-request fuzz/corpus-request
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_mapped -max_total_time=$${FUZZ_SECONDS:-120} -max_len=8192 \
	  -timeout=5 $(BUILD_DIR)-fuzz/corpus-mapped fuzz/corpus-mapped
	$(BUILD_DIR)-fuzz/fuzz/cpe_fuzz_batch_line -max_total_time=$${FUZZ_SECONDS:-120} -max_len=8192 \
	  -timeout=5 -dict=fuzz/case.dict $(BUILD_DIR)-fuzz/corpus-batch-line fuzz/corpus-batch-line fuzz/corpus-case

# The VS Code extension as a .vsix (editors/vscode/README.md): npm packages pinned in its package-lock.json.
vscode:
	cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && npm run package

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-fuzz
