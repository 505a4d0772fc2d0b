# The course's commands. On a fresh machine with Python 3.11 and make:
#   make book   build the website into _build/html
#   make test   run every check: pytest, nbval on every chapter notebook, the strict book build,
#               then the built website in a real browser (Debian's chromium, installed if missing)
#   make lab    open JupyterLab on the repository (chapters/ and exercises/)
# Each creates the environment (.venv) first if it is missing or out of date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CHAPTERS := $(sort $(wildcard chapters/*.ipynb))

.PHONY: help env book test pytest book-strict site-deps site-test lab notebooks constraints clean

help:
	@echo "make book   build the website into _build/html"
	@echo "make test   run all tests (pytest, nbval, strict book build, browser test of the site)"
	@echo "make site-test   the browser test alone, on the site already in _build/html"
	@echo "make lab    open JupyterLab"
	@echo "make notebooks   re-execute the chapter notebooks, storing their outputs"

env: $(INSTALLED)

$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -c constraints.txt -e ".[dev]"
	@# Build matplotlib's font cache now, so that no notebook prints "building the font cache".
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot"
	touch $(INSTALLED)

book: $(INSTALLED)
	$(BIN)/jupyter-book build .
	@echo "Open $(CURDIR)/_build/html/index.html"

# Everything CI checks. The whole run is timed and the time printed last.
test: $(INSTALLED)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory --keep-going pytest book-strict site-test; status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s"; exit $$status

pytest: $(INSTALLED)
	$(BIN)/python -m pytest -n 2 --dist loadscope \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-m "not site" tests $(CHAPTERS)

# Warnings are errors (-W), every cross-reference must resolve (-n).
book-strict: $(INSTALLED)
	rm -rf _build/html
	$(BIN)/jupyter-book build . -W -n --keep-going

# The browser test needs Debian's chromium (installed with apt-get if missing; see the script).
site-deps: $(INSTALLED)
	bash tools/site_deps.sh $(BIN)/python

# The built website (_build/html, as `make book` or `book-strict` leave it) in headless
# Chromium: every page, console errors, MathJax, figures, toggles, search, links.
# It builds nothing; `make test` runs it right after book-strict. Screenshots: _build/screenshots.
site-test: site-deps
	$(BIN)/python -m pytest -m site tests/site

lab: $(INSTALLED)
	$(BIN)/jupyter lab --notebook-dir=.

# Re-run every chapter notebook and store its outputs (after editing a chapter or course_code).
notebooks: $(INSTALLED)
	$(BIN)/python tools/execute_notebooks.py $(CHAPTERS)

# Re-pin every dependency to what the environment has now.
constraints: $(INSTALLED)
	$(BIN)/python tools/write_constraints.py > constraints.txt

clean:
	rm -rf _build .pytest_cache
