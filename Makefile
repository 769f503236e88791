# relscore: the two commands of the README's Quick start, and a few more.
#   make demo   score the bundled sample (installs what is missing, builds, runs)
#   make test   every test: C++ (CTest) and Python (pytest)
#   make bench  the benchmarks

BUILD       ?= build
BUILD_TYPE  ?= Release
GENERATOR   ?= Ninja
SAMPLE      := examples/data/job_search.csv
RELSCORE    := $(BUILD)/relscore

.PHONY: all deps build demo test test-cpp bench sample clean

all: build

deps:
	@scripts/install-deps.sh --cpp-only

build: deps
	@cmake -S . -B $(BUILD) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD) --parallel

demo: build
	@echo
	@echo "== Sam Rivera's relationships after a year of job hunting (strongest first) =="
	@$(RELSCORE) score $(SAMPLE) --for "Sam Rivera" --top 15
	@echo
	@echo "== The strongest ties in the whole network =="
	@$(RELSCORE) score $(SAMPLE) --top 8
	@echo
	@echo "(sample: $(SAMPLE), made by examples/data/generate_job_search.py; try --format csv or json)"

test-cpp: build
	@ctest --test-dir $(BUILD) --output-on-failure --parallel 2

test: test-cpp

bench: build
	@$(BUILD)/bench/relscore_bench --benchmark_counters_tabular=true

# Regenerates the bundled sample (seeded: the file only changes if the script does).
sample:
	@python3 examples/data/generate_job_search.py > $(SAMPLE)

clean:
	@rm -rf $(BUILD)
