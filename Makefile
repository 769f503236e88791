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

.PHONY: all deps build demo test test-cpp test-python python stubs bench sample clean

all: build

deps:
	@scripts/install-deps.sh

# relscore.network.strength_matrix returns a scipy.sparse matrix (added once, whoever else needs it).
PY_DEPS     += $(filter-out $(PY_DEPS),scipy)

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
	@echo "== Sam Rivera's relationships after a year of job hunting (strongest first) =="
	@$(RELSCORE) score $(SAMPLE) --for "Sam Rivera" --top 15
	@echo
	@echo "== The strongest ties in the whole network =="
	@$(RELSCORE) score $(SAMPLE) --top 8
	@echo
	@echo "(sample: $(SAMPLE), made by examples/data/generate_job_search.py; try --format csv or json)"

test-cpp: build
	@ctest --test-dir $(BUILD) --output-on-failure --parallel 2

# Regenerates the committed type stubs from the built module (tests check them with stubtest).
stubs: python
	@cd /tmp && $(CURDIR)/$(VENV)/bin/pybind11-stubgen relscore._core -o $(CURDIR)/$(BUILD)/stubs
	@cp $(BUILD)/stubs/relscore/_core.pyi bindings/python/relscore/_core.pyi

test-python: python
	@$(PY) -m pytest -q tests/python

test: test-cpp test-python

bench: build
	@$(BUILD)/bench/relscore_bench --benchmark_counters_tabular=true

# Regenerates the bundled sample (seeded: the file only changes if the script does).
sample:
	@python3 examples/data/generate_job_search.py > $(SAMPLE)

clean:
	@rm -rf $(BUILD) $(VENV)
