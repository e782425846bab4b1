# The two commands a fresh machine needs: `make demo` and `make test`.
VENV := .venv
PYTHON ?= python3
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: demo test lint notebooks install

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	backprop-course demo

test: $(VENV)/.installed
	python -m pytest

lint: $(VENV)/.installed
	ruff check .

# Regenerate source/ from the authoring module, then release/ and solutions/ from source/.
notebooks: $(VENV)/.installed
	backprop-course build-source
	backprop-course generate
