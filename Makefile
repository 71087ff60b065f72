# d2lnotes — two commands do everything:  make lab   and   make test
# Other targets: make notebooks (re-execute and re-save every notebook), make student, make lint,
# make test-gpu (run the notebooks on CUDA, asserts only), make clean.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.d2lnotes-installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

# One CPU thread: faster for the notebooks' small matrices on shared machines and
# identical float32 results everywhere (README, "Threads").  Override: make test THREADS=2
THREADS ?= 1
export OMP_NUM_THREADS := $(THREADS)
export MKL_NUM_THREADS := $(THREADS)
export D2LNOTES_THREADS := $(THREADS)
# Headless matplotlib outside Jupyter (tests, scripts).
export MPLBACKEND ?= Agg

NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly
LAB_ARGS ?=
# Jupyter refuses to start as root (containers, CI machines) unless told to.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test test-package test-notebooks lint notebooks student test-gpu install clean

install: $(STAMP)

# (Re)install only when pyproject.toml changed or the venv is missing.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "d2lnotes needs Python >= 3.11; run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	# d2l 1.0.3 pins numpy 1.23.5 / matplotlib 3.7.2 / pandas 2.0.3, which do not build on
	# Python >= 3.12 and clash with numpy 2; its real imports are declared in pyproject.toml.
	$(BIN)/python -m pip install -q --no-deps 'd2l==1.0.3'
	$(BIN)/python -c 'import d2lnotes, d2l.torch, torch; print("d2lnotes", d2lnotes.__version__, "| torch", torch.__version__)'
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_ARGS) $(LAB_ARGS)

test: lint test-package test-notebooks

lint: $(STAMP)
	$(BIN)/ruff check d2lnotes tests scripts conftest.py notebooks

test-package: $(STAMP)
	$(BIN)/python -m pytest tests

# nbval: every code cell is run and its text output compared with the committed one.
test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL_FLAGS) $(NOTEBOOKS)

# Re-execute every notebook top to bottom on the CPU and save the outputs
# (after a deliberate change).  Only one: make notebooks NOTEBOOKS=notebooks/x.ipynb
notebooks: $(STAMP)
	D2LNOTES_DEVICE=cpu $(BIN)/python scripts/execute_notebooks.py $(NOTEBOOKS)

# The student edition: solution cells removed, exercise and check outputs cleared.
student: $(STAMP)
	$(BIN)/python scripts/student_edition.py --out build/student $(NOTEBOOKS)

# On a CUDA machine: outputs legitimately differ from the CPU-made ones, so only
# errors and the notebooks' own asserts count (nbval --nbval-lax).
test-gpu: $(STAMP)
	D2LNOTES_DEVICE=cuda $(BIN)/python -m pytest $(NBVAL_FLAGS) --nbval-lax $(NOTEBOOKS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
