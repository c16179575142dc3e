# Two entry points (see README): `make run` and `make test`. Both create .venv on first use, with the
# exact versions of requirements.lock (`make lock` makes it again from pyproject.toml).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lock
$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

run: $(VENV)/.installed
	$(PY) -m ipcompare run

test: $(VENV)/.installed
	$(PY) -m pytest

lock: $(VENV)/.installed
	$(PY) -m pip install -q pip-tools
	$(PY) -m piptools compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml
