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
# relscore.evaluate: metrics as DyGLib computes them, and the parameter fits.
PY_DEPS     += scipy scikit-learn
# Scale-out on Dask (relscore.dask): the dataframe layer needs pyarrow.
PY_DEPS     += dask distributed pyarrow

.PHONY: all deps build demo test test-cpp test-python python stubs bench sample docs clean

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

# Regenerates the committed type stubs from the built module (tests check them with stubtest).
stubs: python
	@cd /tmp && $(CURDIR)/$(VENV)/bin/pybind11-stubgen relscore._core -o $(CURDIR)/$(BUILD)/stubs
	@cp $(BUILD)/stubs/relscore/_core.pyi bindings/python/relscore/_core.pyi

# build: the ctypes tests load the C API's shared library from $(BUILD).
test-python: python build
	@RELSCORE_BUILD_DIR=$(BUILD) $(PY) -m pytest -q tests/python

test: test-cpp test-python

bench: build
	@$(BUILD)/bench/relscore_bench --benchmark_counters_tabular=true

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

clean:
	@rm -rf $(BUILD) $(VENV)
