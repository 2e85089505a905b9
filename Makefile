# Two commands do all set-up on a fresh machine:  make book  |  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: book test clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

# Executes every chapter (results cached in _build/.jupyter_cache) and renders _build/html.
book: $(STAMP)
	AEBOOK_PROGRESS=0 $(BIN)/jupyter-book build --all .

# Unit tests, then nbval runs every chapter top to bottom (lax: the notebooks' asserts check claims).
test: $(STAMP)
	AEBOOK_PROGRESS=0 $(BIN)/python -m pytest --nbval-lax --nbval-cell-timeout=600 -p no:cacheprovider tests chapters

clean:
	rm -rf _build
