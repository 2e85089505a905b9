# Two commands do all set-up on a fresh machine:  make book  |  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: book test bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

# Executes every chapter (results cached in _build/.jupyter_cache) and renders _build/html.
# Strict: any Sphinx warning (a broken reference, a missing figure, a bad citation) fails.
book: $(STAMP)
	AEBOOK_PROGRESS=0 $(BIN)/jupyter-book build -W -n --keep-going .

# The strict build, then the unit tests, the browser tests against the built book, and nbval
# running every chapter top to bottom (lax: the notebooks' asserts check the claims).
test: book
	AEBOOK_PROGRESS=0 $(BIN)/python -m pytest --nbval-lax --nbval-cell-timeout=600 -p no:cacheprovider tests chapters

# Not part of test: chapter run times on both data sets, the book build, training throughput
# against a DataLoader baseline, widget latency -> benchmarks/results/latest.{md,json} (~10 min
# on 2 cores). Pieces: make bench BENCH="--only throughput --epochs 1" (see benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH)

clean:
	rm -rf _build
