# relscore: the two commands of the README's Quick start, and a few more.
#   make demo   score the bundled sample (installs what is missing, builds, runs)
#   make test   every test: C++ (CTest) and Python (pytest)
#   make bench  the benchmarks

BUILD       ?= build
BUILD_TYPE  ?= Release
GENERATOR   ?= Ninja
SAMPLE      := examples/data/job_search.csv
RELSCORE    := $(BUILD)/relscore

VENV        ?= .venv
PY          := $(VENV)/bin/python
# Python tools from PyPI, into the project's own virtual environment.
PY_DEPS     := scikit-build-core pybind11 cmake ninja numpy pandas pytest hypothesis matplotlib mypy \
               pybind11-stubgen==2.5.1
# relscore.evaluate: metrics as DyGLib computes them, and the parameter fits; scipy also for
# relscore.network.strength_matrix (a scipy.sparse matrix).
PY_DEPS     += scipy scikit-learn
# Scale-out on Dask (relscore.dask): the dataframe layer needs pyarrow, the dashboard bokeh.
PY_DEPS     += dask distributed pyarrow bokeh
# bench/python/compare.py measures relscore against raphtory (docs/performance.md); pinned
# because its Python API changes between minor versions (0.17.0 has wheels for the CPython
# of Debian 12 and 13, 3.11 and 3.13).
PY_DEPS     += raphtory==0.17.0
# relscore.plot.network lays the graph out with networkx.
PY_DEPS     += networkx

.PHONY: all deps build demo test test-cpp test-python check-docs python stubs bench bench-large sample docs clean \
        test-asan test-tsan fuzz soak

all: build

deps:
	@scripts/install-deps.sh

$(VENV)/.deps-installed: Makefile
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check $(PY_DEPS)
	@touch $@

# Builds and installs the Python package (and its relscore CLI) into .venv.
python: deps $(VENV)/.deps-installed
	@$(PY) -m pip install -q --disable-pip-version-check --no-build-isolation .

build: deps
	@cmake -S . -B $(BUILD) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD) --parallel

demo: build
	@echo
	@echo "== Sam Rivera's relationships after a year of job hunting, rated (strongest first) =="
	@echo "   (stars build slowly: five need months of two-way contact)"
	@$(RELSCORE) stars $(SAMPLE) --for "Sam Rivera" --top 12
	@echo
	@echo "== Persistence: the hiring manager who answered only after five emails =="
	@$(RELSCORE) explain $(SAMPLE) "Sam Rivera" "Daniel Okafor" --receipts 3
	@echo
	@echo "== Drifting: who is due a touch, against each relationship's own rhythm =="
	@$(RELSCORE) due $(SAMPLE) --for "Sam Rivera" --top 6
	@echo
	@echo "== A warm introduction: who can introduce Sam to Grace Liu at the target company =="
	@$(RELSCORE) intro $(SAMPLE) "Sam Rivera" "Grace Liu"
	@echo
	@echo "== The strongest ties in the whole network =="
	@$(RELSCORE) score $(SAMPLE) --top 8
	@echo
	@echo "(sample: $(SAMPLE), made by examples/data/generate_job_search.py; try --format csv or json)"

test-cpp: build
	@ctest --test-dir $(BUILD) --output-on-failure --parallel 2

# Regenerates the committed type stubs from the built modules (tests check them with stubtest).
STUB_MODULES := _core _eval
stubs: python
	@set -e; for m in $(STUB_MODULES); do \
	  (cd /tmp && $(CURDIR)/$(VENV)/bin/pybind11-stubgen relscore.$$m -o $(CURDIR)/$(BUILD)/stubs); \
	  cp $(BUILD)/stubs/relscore/$$m.pyi bindings/python/relscore/$$m.pyi; \
	done

# build: the ctypes tests load the C API's shared library from $(BUILD).
test-python: python build
	@RELSCORE_BUILD_DIR=$(BUILD) $(PY) -m pytest -q tests/python

# The figures the docs state that are cheap to recompute (test counts, snapshot bytes per
# relationship on a shared log; skipped without ../shared/data): fails on a 10 % drift.
check-docs: build python
	@BUILD=$(BUILD) PY=$(PY) scripts/check-docs.sh

test: test-cpp test-python check-docs

bench: build
	@$(BUILD)/bench/relscore_bench --benchmark_counters_tabular=true --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

# 100 M interactions (10 k and 10 M pairs): about 20 minutes and 15 GiB; not in `make bench`.
bench-large: build
	@RELSCORE_BENCH_LARGE=1 $(BUILD)/bench/relscore_bench --benchmark_counters_tabular=true

# relscore against pandas, numpy, a Python dict loop and raphtory at a moderate size (about a
# minute); docs/performance.md gives the full 10 M run and the plot.
.PHONY: bench-python
bench-python: python
	@$(PY) bench/python/compare.py --sizes 1000000 --pairs 100000

# Reference docs: C++ and C from the header comments (Doxygen; a warning fails), Python from
# the docstrings (pydoc), and docs/concepts.md as the main page.
docs: deps python
	@mkdir -p $(BUILD)/docs/python
	@RELSCORE_DOCS_OUT=$(BUILD)/docs RELSCORE_VERSION=$$($(PY) -c 'import relscore; print(relscore.__version__)') doxygen docs/Doxyfile
	@cd $(BUILD)/docs/python && $(CURDIR)/$(PY) -m pydoc -w relscore relscore.plot >/dev/null
	@echo "docs: $(BUILD)/docs/html/index.html (C++, C, concepts) and $(BUILD)/docs/python/relscore.html (Python)"

# Regenerates the bundled sample (seeded: the file only changes if the script does).
sample:
	@python3 examples/data/generate_job_search.py > $(SAMPLE)

# ---- reliability: sanitizers, fuzzing, soak (docs/guarantees.md) --------------------------
# Each in its own build directory; only the targets they need are built.
SANITIZE_COMMON := -O1 -g1 -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_SECONDS    ?= 30
FUZZERS         := csv_log time_duration snapshot_loader
SOAK_INTERACTIONS ?= 100000000

# The whole C++ suite (CTest) under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	@cmake -S . -B build-asan -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Debug -DRELSCORE_BUILD_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS_DEBUG="$(SANITIZE_COMMON) -fsanitize=address,undefined" \
	  -DCMAKE_C_FLAGS_DEBUG="$(SANITIZE_COMMON) -fsanitize=address,undefined" >/dev/null
	@cmake --build build-asan --parallel 2
	@ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir build-asan --output-on-failure --parallel 2 --label-exclude consumer -E docs_doxygen

# The concurrency tests under ThreadSanitizer.
test-tsan: deps
	@cmake -S . -B build-tsan -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Debug -DRELSCORE_BUILD_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS_DEBUG="$(SANITIZE_COMMON) -fsanitize=thread" >/dev/null
	@cmake --build build-tsan --parallel 2 --target relscore_concurrency_tests
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/tests/relscore_concurrency_tests

# libFuzzer targets (clang), each run for FUZZ_SECONDS from its committed seed corpus in
# fuzz/corpus/; new inputs go to build-fuzz/corpus/, crashes to build-fuzz/artifacts/.
fuzz: deps
	@CXX=clang++ cmake -S . -B build-fuzz -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Debug -DRELSCORE_BUILD_FUZZERS=ON \
	  -DRELSCORE_BUILD_TESTS=OFF -DRELSCORE_BUILD_BENCH=OFF -DRELSCORE_BUILD_CLI=OFF \
	  -DCMAKE_CXX_FLAGS_DEBUG="$(SANITIZE_COMMON) -fsanitize=address,undefined,fuzzer-no-link" >/dev/null
	@cmake --build build-fuzz --parallel 2 $(addprefix --target fuzz_,$(FUZZERS))
	@mkdir -p build-fuzz/artifacts
	@set -e; for f in $(FUZZERS); do \
	  mkdir -p build-fuzz/corpus/$$f; \
	  echo "fuzz: $$f for $(FUZZ_SECONDS)s"; \
	  build-fuzz/fuzz/fuzz_$$f build-fuzz/corpus/$$f fuzz/corpus/$$f -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=16384 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/artifacts/$$f- 2>build-fuzz/$$f.log \
	    || { tail -40 build-fuzz/$$f.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build-fuzz/$$f.log | tr '\n' ' '; echo; \
	done

# Streams SOAK_INTERACTIONS synthetic interactions through the library, then through the
# CLI (generated into a pipe), reporting peak RSS and checking sampled relationships
# against a brute-force sum. Slow (minutes); not part of `make test` or CI.
SOAK_AT := 1815363600# = the query time in tests/soak/soak.cpp (query_us)
soak: build
	@cmake --build $(BUILD) --parallel 2 --target relscore_soak
	@$(BUILD)/tests/relscore_soak library $(SOAK_INTERACTIONS) 1
	@$(BUILD)/tests/relscore_soak generate $(SOAK_INTERACTIONS) 1 \
	  | /usr/bin/time -f "soak cli: %e s, peak RSS %M KiB" $(RELSCORE) score /dev/stdin --format csv -q \
	      --at $(SOAK_AT) > $(BUILD)/soak-cli.csv
	@$(BUILD)/tests/relscore_soak check $(SOAK_INTERACTIONS) 1 $(BUILD)/soak-cli.csv

clean:
	@rm -rf $(BUILD) $(VENV) build-asan build-tsan build-fuzz
