# Two commands do all set-up on a fresh machine:  make book  |  make test
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# ipywidgets 7.7.1, what Colab ships, beside the venv's 8.x: the widget tests run under both.
IPYWIDGETS7 := $(VENV)/ipywidgets7
CACHE  := _build/.jupyter_cache
UNIT   := --ignore=tests/test_browser.py --ignore=tests/test_packaging.py --ignore=tests/test_book.py \
          --ignore=tests/test_benchmarks.py --ignore=tests/test_one_data_set.py

# The Korean edition (_config.ko.yml, _toc.ko.yml, locales/ko): the same notebooks translated
# through the catalogs, rendered from the English build's execution cache (nothing executes, every
# number is the English one), built in _build/ko and copied beside the English as _build/html/ko;
# its Colab edition also goes to _build/html/colab/ko, the colab branch's ko/ folder that the
# Korean pages' Colab buttons open. Run after the English build, which fills the cache.
KOREAN := AEBOOK_PROGRESS=0 $(BIN)/jupyter-book build -W -n --keep-going \
          --config _config.ko.yml --toc _toc.ko.yml --path-output _build/ko .
KO_HTML := _build/ko/_build/html
define copy_korean
rm -rf _build/html/ko _build/html/colab/ko
cp -a $(KO_HTML) _build/html/ko
cp -a $(KO_HTML)/colab _build/html/colab/ko
endef

.PHONY: book test unit lint strip hooks bench clean i18n

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps --upgrade --target $(IPYWIDGETS7) \
	    ipywidgets==7.7.1 ipython_genutils==0.2.0
	touch $@

# Executes every chapter not already in the execution cache and renders _build/html.
# Strict: any Sphinx warning (a broken reference, a missing figure, a bad citation) fails.
# Then the Korean edition from the same execution (see KOREAN above).
book: $(STAMP)
	AEBOOK_PROGRESS=0 $(BIN)/jupyter-book build -W -n --keep-going .
	$(KOREAN)
	$(copy_korean)

# Refresh locales/*/LC_MESSAGES/*.po from the English (_ext/i18n_catalogs.py): new prose comes in
# untranslated, changed prose fuzzy, removed prose is dropped; tests/test_i18n.py then fails until
# every entry is translated again.
i18n: $(STAMP)
	$(BIN)/python _ext/i18n_catalogs.py

# Each chapter executes once: nbval runs it (lax: the notebooks' asserts check the claims) and
# conftest.py stores its outputs in the execution cache, so the strict build that follows reuses
# them; the cell timeout of both is _config.yml's execute.timeout (conftest.py hands it to nbval).
# Then the Korean edition from the same cache (it must execute nothing), and the tests that read the
# built books: their configuration, their Colab editions, the translations and the browser tests.
test: $(STAMP) lint
	AEBOOK_PROGRESS=0 $(BIN)/python -m pytest --nbval-lax \
	    --nbval-cache $(CACHE) -p no:cacheprovider tests chapters \
	    --ignore=tests/test_browser.py --ignore=tests/test_book.py --ignore=tests/test_colab_edition.py \
	    --ignore=tests/test_i18n.py
	mkdir -p _build
	AEBOOK_PROGRESS=0 $(BIN)/jupyter-book build -W -n --keep-going . 2>&1 | tee _build/build.log
	@echo "chapters executed by the build (0: all came from nbval's run):" \
	    $$(grep -c "Executing notebook" _build/build.log || true)
	$(KOREAN) 2>&1 | tee _build/build.ko.log
	@if grep -q "Executing notebook" _build/build.ko.log; then \
	    echo "the Korean build executed a chapter: it must reuse the English execution cache"; exit 1; fi
	$(copy_korean)
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_book.py tests/test_colab_edition.py \
	    tests/test_i18n.py tests/test_browser.py

# The unit tests alone, no book and no chapter: the edit-test loop (well under a minute).
unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests $(UNIT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/nbstripout --keep-id --verify chapters/*.ipynb

# Clear outputs and execution counts from every chapter (what git should hold).
strip: $(STAMP)
	$(BIN)/nbstripout --keep-id chapters/*.ipynb

# A pre-commit hook that refuses notebooks with outputs and code ruff rejects.
hooks: $(STAMP)
	printf '#!/bin/sh\nexec make -s lint\n' > .git/hooks/pre-commit
	chmod +x .git/hooks/pre-commit

# Not part of test: chapter run times on both data sets, the book build, training throughput
# against a DataLoader baseline, widget latency -> benchmarks/results/latest.{md,json}.
# Pieces: make bench BENCH="--only throughput --epochs 1" (see benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH)

clean:
	rm -rf _build
