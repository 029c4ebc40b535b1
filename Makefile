# The two commands of the README: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# The browser tests drive Debian's Chromium, never a browser that Playwright downloads.
CHROMIUM := /usr/bin/chromium

.PHONY: serve test index eval venv clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

index: venv
	$(PY) -m qa index

serve: index
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --preload 'app:create_app()'

# Installed with apt-get only when missing (CI runs as root).
$(CHROMIUM):
	@[ "$$(id -u)" = 0 ] || { echo "tests/test_browser.py needs $(CHROMIUM): run 'apt-get install -y chromium' as root"; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

test: venv $(CHROMIUM)
	$(PY) -m pytest -q

eval: venv
	$(PY) -m qa eval tests/regression/questions.jsonl

clean:
	rm -rf index $(VENV)
