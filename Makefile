# d2lnotes — two commands do everything:  make lab   and   make test
# Other targets: make notebooks (re-execute and re-save every notebook), make test-notebooks (nbval,
# this machine's numerical path only), make test-portable (nbval under several simulated machines),
# make site, make slides, make colab, make student, make grade, make e2e, make screenshots, make lint,
# make translations, make zh-notebooks, make test-gpu (the notebooks on CUDA), make clean.
# The Chinese edition: make lab LANG=zh_CN, make student LANG=zh_CN (README, "中文版").

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

# The edition: English, or the Chinese one with `make lab LANG=zh_CN` / `make student LANG=zh_CN`
# (only LANG given on the command line counts; a Chinese locale in the environment does not).
EDITION := $(if $(filter command line,$(origin LANG)),$(LANG),en)
ifeq ($(filter $(EDITION),en zh_CN),)
$(error LANG=$(EDITION): the editions are en and zh_CN)
endif
ifeq ($(origin LANG),command line)
unexport LANG
endif
ZH_NOTEBOOKS := build/zh_CN/notebooks
# Commands of the Chinese edition run with a UTF-8 locale (LANG=zh_CN itself may not exist here).
EDITION_ENV := $(if $(filter zh_CN,$(EDITION)),env LANG=C.UTF-8)

NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly
LAB_ARGS ?=
LAB_DIR ?= $(if $(filter zh_CN,$(EDITION)),$(ZH_NOTEBOOKS),notebooks)
# Jupyter refuses to start as root (containers, CI machines) unless told to.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: translations zh-notebooks colab check lab test test-package test-notebooks test-portable e2e lint notebooks site slides serve bench student grade screenshots test-gpu install clean

install: $(STAMP)

# (Re)install only when pyproject.toml changed or the venv is missing.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "d2lnotes needs Python >= 3.11; run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	# The Chinese edition's d2l 0.17.6 pins numpy 1.21.5 / matplotlib 3.5.1 / pandas 1.2.4 /
	# requests 2.25.1, which do not build on Python 3.11 and clash with numpy 2; its real
	# imports are declared in pyproject.toml (README, "Why d2l is installed with --no-deps").
	$(BIN)/python -m pip install -q --no-deps 'd2l==0.17.6'
	$(BIN)/python -c 'import d2lnotes, d2l, d2l.torch, torch; print("d2lnotes", d2lnotes.__version__, "| d2l", d2l.__version__, "| torch", torch.__version__)'
	touch $(STAMP)

lab: $(STAMP) $(if $(filter zh_CN,$(EDITION)),zh-notebooks)
	$(EDITION_ENV) $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(LAB_DIR) $(ROOT_ARGS) $(LAB_ARGS)

test: lint test-package test-portable e2e

# The inner loop: lint and the package's unit tests (no notebooks, no browser), about 4 minutes.
check: lint test-package

lint: $(STAMP)
	$(BIN)/ruff check d2lnotes tests scripts conftest.py notebooks grading
	$(BIN)/ruff format --check d2lnotes tests scripts conftest.py grading

test-package: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/e2e

# nbval: every code cell is run and its text output compared with the committed one, exactly or
# within the tolerance the cell declares (README, "How the notebooks are tested").
test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL_FLAGS) $(NOTEBOOKS)

# nbval under several numerical paths (default, MKL/ATen/oneDNN compatible, AVX2-capped, 2 threads)
# against the same committed outputs: what another CPU would see.  Subset: make test-portable NUMERICAL_PATHS=avx2
NUMERICAL_PATHS ?= default,compat,avx2,threads2
test-portable: $(STAMP)
	$(BIN)/python scripts/test_portable.py --paths $(NUMERICAL_PATHS) $(NOTEBOOKS)

# Re-execute every notebook top to bottom on the CPU and save the outputs
# (after a deliberate change).  Only one: make notebooks NOTEBOOKS=notebooks/x.ipynb
notebooks: $(STAMP)
	D2LNOTES_DEVICE=cpu $(BIN)/python scripts/execute_notebooks.py $(NOTEBOOKS)

# The course site (build/site) and slides (build/slides) from the committed notebooks, with
# MathJax, require.js and reveal.js vendored from the npm registry (needs node + npm), so both
# display offline.  make serve shows the site on http://127.0.0.1:8000.
site: $(STAMP)
	$(BIN)/python scripts/build_site.py site $(NOTEBOOKS)

slides: $(STAMP)
	$(BIN)/python scripts/build_site.py slides $(NOTEBOOKS)

serve:
	@test -f build/site/index.html || { echo "no site yet: run make site"; exit 1; }
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory build/site 8000

# Browser tests in headless Chromium: every site page and slide deck (offline), and JupyterLab
# started as make lab starts it, running a notebook.
e2e: site
	$(BIN)/python -m pytest tests/e2e

# Regenerate README's screenshots (docs/img) with the browser tests.
screenshots: site
	D2LNOTES_SCREENSHOTS=docs/img $(BIN)/python -m pytest tests/e2e -q

# Speed, measured (about 15 minutes): the book's Fashion-MNIST loop vs ours, matmul throughput,
# 1 vs all threads idle and busy, batched sweeps, each notebook's time.  Writes bench/results.json
# and README's performance table.  On a GPU machine: make bench DEVICE=cuda
DEVICE ?= cpu
bench: $(STAMP)
	$(BIN)/python scripts/bench.py --device $(DEVICE)

# The Colab set-up cell at the top of every notebook, from [tool.d2lnotes] in pyproject.toml
# (README, "Launching a chapter on Colab"); a test fails while any notebook's cell is stale.
colab: $(STAMP)
	$(BIN)/python scripts/colab.py $(NOTEBOOKS)

# The student edition: solution cells removed, exercise and check outputs cleared.
# make student LANG=zh_CN: the Chinese one, in build/student/zh_CN.
student: $(STAMP) $(if $(filter zh_CN,$(EDITION)),zh-notebooks)
ifeq ($(EDITION),zh_CN)
	$(BIN)/python scripts/student_edition.py --out build/student/zh_CN $(addprefix $(ZH_NOTEBOOKS)/,$(notdir $(NOTEBOOKS)))
else
	$(BIN)/python scripts/student_edition.py --out build/student $(NOTEBOOKS)
endif

# The Chinese edition (README, "中文版").  make translations: merge the English notebooks' current
# text into the catalogs d2lnotes/locale/zh_CN/LC_MESSAGES/*.po (new strings untranslated, changed
# ones fuzzy) and say what needs a translator; the tests fail until every string has a current
# translation.  make zh-notebooks: the Chinese notebooks, generated into build/zh_CN/notebooks.
translations: $(STAMP)
	$(BIN)/python scripts/translations.py update $(NOTEBOOKS)

zh-notebooks: $(STAMP)
	$(BIN)/python scripts/translations.py build --out $(ZH_NOTEBOOKS) $(NOTEBOOKS)

# Grade what a class returned: SUBMISSIONS holds one folder per student with the chapter notebooks
# they returned.  otter-grader runs each notebook in its own process and scratch folder, with the
# public checks and the hidden tests (grading/hidden/); writes build/grades/grades.csv, feedback/
# and report.txt (README, "Grading").  Limits per notebook: GRADE_TIMEOUT seconds, GRADE_MEMORY GiB;
# GRADE_JOBS notebooks at a time (1: a changed file is pinned on exactly one submission).
GRADE_TIMEOUT ?= 900
GRADE_MEMORY ?= 16
GRADE_JOBS ?= 1
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder (one sub-folder per student)"; exit 2; }
	$(BIN)/python scripts/grade.py "$(SUBMISSIONS)" --out build/grades --timeout $(GRADE_TIMEOUT) --memory-gb $(GRADE_MEMORY) --jobs $(GRADE_JOBS)

# On a CUDA machine: the same output policy, with the wider "cuda" tolerances that cells declare
# (README, "Running on a GPU").
test-gpu: $(STAMP)
	D2LNOTES_DEVICE=cuda $(BIN)/python -m pytest $(NBVAL_FLAGS) $(NOTEBOOKS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info site/node_modules
