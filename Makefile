# The commands of the README: `make serve` (and `make stop`), `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Where `make serve` listens, and its worker processes: `make serve PORT=8080` or `PORT=8080 make serve`.
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# gunicorn.conf.py reads them from the environment.
export HOST PORT WORKERS
# The project's run directory (git-ignored): gunicorn.conf.py puts each server's pid file there, one per port.
RUN := run
PIDFILE := $(RUN)/gunicorn-$(PORT).pid
# gunicorn lets requests under way finish for 30 s (graceful_timeout) after SIGTERM.
STOP_SECONDS := 40
# The browser tests drive Debian's Chromium, never a browser that Playwright downloads.
CHROMIUM := /usr/bin/chromium

.PHONY: serve stop test index eval venv dev clean

# One virtual environment. The runtime lock (requirements.txt) and the development lock
# (requirements-dev.txt, runtime included) are installed separately, each with its own stamp:
# `make serve` installs the runtime only. Each lock is the whole closure, so pip installs it with
# --no-deps, and `pip check` fails if a lock misses a package that another one requires.
$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.runtime: requirements.txt | $(VENV)/.created
	$(PY) -m pip install --quiet --no-deps -r requirements.txt
	$(PY) -m pip check
	touch $@

$(VENV)/.dev: requirements-dev.txt | $(VENV)/.created
	$(PY) -m pip install --quiet --no-deps -r requirements-dev.txt
	$(PY) -m pip check
	touch $@

venv: $(VENV)/.runtime

dev: $(VENV)/.dev

$(RUN):
	mkdir -p $@

# Builds the index only if it is missing or stale.
index: venv
	$(PY) -m qa index

# In the foreground (Ctrl-C stops it, or `make stop` from elsewhere). gunicorn.conf.py binds
# $(HOST):$(PORT), starts $(WORKERS) workers and writes $(PIDFILE).
serve: index | $(RUN)
	exec $(VENV)/bin/gunicorn --preload 'app:create_app()'

# Stops the server that `make serve` (with the same PORT) started, and waits until it has exited.
stop:
	@pid=$$(cat $(PIDFILE) 2>/dev/null) || { echo "no $(PIDFILE): no server of make serve on port $(PORT)"; exit 0; }; \
	if ! kill -0 "$$pid" 2>/dev/null; then echo "$(PIDFILE) names no running process (stale): removed"; rm -f $(PIDFILE); exit 0; fi; \
	if [ -r /proc/$$pid/cmdline ]; then command=$$(tr '\0' ' ' < /proc/$$pid/cmdline); else command=$$(ps -o args= -p "$$pid"); fi; \
	case "$$command" in *gunicorn*) ;; *) echo "process $$pid of $(PIDFILE) is not gunicorn ($$command): not stopped" >&2; exit 1;; esac; \
	kill -TERM "$$pid"; \
	for tick in $$(seq $$(( $(STOP_SECONDS) * 5 ))); do \
		kill -0 "$$pid" 2>/dev/null || { echo "stopped gunicorn $$pid (port $(PORT))"; exit 0; }; \
		sleep 0.2; \
	done; \
	echo "gunicorn $$pid (port $(PORT)) is still running $(STOP_SECONDS)s after SIGTERM" >&2; exit 1

# Installed with apt-get only when missing (CI runs as root).
$(CHROMIUM):
	@[ "$$(id -u)" = 0 ] || { echo "tests/test_browser.py needs $(CHROMIUM): run 'apt-get install -y chromium' as root"; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

test: dev $(CHROMIUM)
	$(PY) -m pytest -q

eval: venv
	$(PY) -m qa eval tests/regression/questions.jsonl

clean:
	rm -rf index $(VENV)
