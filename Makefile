# The course's commands. On a fresh machine with Python 3.11, 3.12 or 3.13 and make
# (`make help` lists them all):
#   make book   build the website into _build/html
#   make test   run every check: pytest, nbval on every chapter notebook, the PDF of the book,
#               the strict book build, then the built website in a real browser (Chromium)
#   make lab    open JupyterLab on the repository (chapters/ and exercises/)
# Each creates the environment (.venv) first if it is missing or out of date.
# Another Python: make PYTHON=python3.12 test (the book's outputs were made with 3.11).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CHAPTERS := $(sort $(wildcard chapters/*.ipynb))

.PHONY: help env book test pytest book-strict grader-deps site-deps site-test pdf format format-check test-pythons lab notebooks constraints clean

help:
	@echo "make book          build the website into _build/html"
	@echo "make test          run all tests (pytest, nbval, strict book build, browser test of the site)"
	@echo "make lab           open JupyterLab on chapters/ and exercises/ (as root too)"
	@echo "make site-test     the browser test alone, on the site already in _build/html"
	@echo "make pdf           the whole book as one PDF, _build/pdf/rnn-course.pdf, then its checks"
	@echo "make format        format the code of notebooks and package to 88 columns (ruff)"
	@echo "make test-pythons  the torch-free tests on CPython 3.12 and 3.13, where this machine has them"
	@echo "make notebooks     re-execute the chapter notebooks, storing their outputs"
	@echo "make constraints   re-pin every dependency to what .venv has now (constraints.txt)"
	@echo "make env           create or update the environment (.venv) alone"
	@echo "make clean         remove the built book and the test caches (not .venv)"
	@echo "Another Python:    make PYTHON=python3.12 ...  (3.11 to 3.13 are supported)"

env: $(INSTALLED)

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else 1)' 2>/dev/null || { \
		echo "The course needs Python 3.11, 3.12 or 3.13; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
		echo "Install one (python.org, Homebrew, pyenv, apt) and run e.g. 'make PYTHON=python3.12 $(MAKECMDGOALS)'."; \
		exit 1; }
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
	$(MAKE) --no-print-directory --keep-going pytest pdf book-strict site-test; status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s"; exit $$status

pytest: $(INSTALLED) grader-deps
	$(BIN)/python -m pytest -n 2 --dist loadscope \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-m "not site" tests $(CHAPTERS)

# Warnings are errors (-W), every cross-reference must resolve (-n).
book-strict: $(INSTALLED)
	rm -rf _build/html
	$(BIN)/jupyter-book build . -W -n --keep-going

# The exercise grader's sandbox needs bubblewrap (installed with apt-get if missing; see the script).
grader-deps: $(INSTALLED)
	bash tools/grader_deps.sh $(BIN)/python

# The browser test needs Debian's chromium (installed with apt-get if missing; see the script).
site-deps: $(INSTALLED)
	bash tools/site_deps.sh $(BIN)/python

# The built website (_build/html, as `make book` or `book-strict` leave it) in headless
# Chromium: every page, console errors, MathJax, figures, toggles, search, links.
# It builds nothing; `make test` runs it right after book-strict. Screenshots: _build/screenshots.
site-test: site-deps
	$(BIN)/python -m pytest -m site tests/site

# The whole book as one PDF, _build/pdf/rnn-course.pdf: the one-page build (singlehtml)
# printed by the browser test's Chromium (tools/build_pdf.py), then checked: page count,
# every chapter's title, no raw TeX. The next book build offers it in the download menu.
pdf: site-deps
	$(BIN)/python tools/build_pdf.py
	$(BIN)/python -m pytest -q -p no:cacheprovider -m pdf tests/site/test_pdf.py

# Code formatted to 88 columns ([tool.ruff] in pyproject.toml), notebooks included: ruff
# rewrites code cells only and keeps their outputs. `make format-check` changes nothing.
FORMATTED := chapters exercises course_code tests tools scripts bench _ext
format: $(INSTALLED)
	$(BIN)/ruff format $(FORMATTED)

format-check: $(INSTALLED)
	$(BIN)/ruff format --check $(FORMATTED)

# As root (Docker, Codespaces, CI images) Jupyter refuses to start without --allow-root, and
# there is usually no browser to open: it then prints the address to open instead.
lab: $(INSTALLED)
	@if [ "$$(id -u)" = "0" ]; then \
		echo "make lab: running as root, so JupyterLab starts with --allow-root --no-browser;"; \
		echo "open the http://127.0.0.1:8888/lab?token=... address it prints below."; \
		$(BIN)/jupyter lab --notebook-dir=. --allow-root --no-browser; \
	else \
		$(BIN)/jupyter lab --notebook-dir=.; \
	fi

# The torch-free tests (NumPy code, data, grader) on CPython 3.12 and 3.13, each in its own
# .venv-3.X; a version this machine lacks is skipped with a message. CI runs it after make test.
test-pythons:
	bash tools/test_pythons.sh 3.12 3.13

# Re-run every chapter notebook and store its outputs (after editing a chapter or course_code).
notebooks: $(INSTALLED)
	$(BIN)/python tools/execute_notebooks.py $(CHAPTERS)

# Re-pin every dependency to what the environment has now.
constraints: $(INSTALLED)
	$(BIN)/python tools/write_constraints.py > constraints.txt

clean:
	rm -rf _build .pytest_cache .jupyter_cache
