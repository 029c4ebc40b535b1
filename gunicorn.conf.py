"""gunicorn settings, read from the working directory by every `gunicorn` started in the repository.

`make serve` starts one; so do the tests (tests/servers.py) and bench/perf.py, which bind
addresses of their own with --bind: an option on the command line overrides this file.
HOST, PORT and WORKERS come from the environment, as in the Makefile (`make serve PORT=8080`).
"""

import os
import shlex
import sys
from pathlib import Path

HOST = os.environ.get("HOST") or "127.0.0.1"
PORT = os.environ.get("PORT") or "5000"
WORKERS = os.environ.get("WORKERS") or "2"
# The project's run directory (git-ignored): the pid file of each server started in the repository.
RUN_DIR = Path(__file__).resolve().parent / "run"

if not PORT.isdigit():
    raise ValueError(f"PORT={PORT!r} is not a port number")
if not WORKERS.isdigit() or int(WORKERS) < 1:
    raise ValueError(f"WORKERS={WORKERS!r} is not a positive number")

bind = [f"[{HOST}]:{PORT}" if ":" in HOST and not HOST.startswith("[") else f"{HOST}:{PORT}"]
workers = int(WORKERS)


def command_line_binds(args: list[str]) -> list[str]:
    """Return the addresses that -b/--bind options among gunicorn's arguments give."""
    binds = []
    for number, arg in enumerate(args):
        if arg in ("-b", "--bind") and number + 1 < len(args):
            binds.append(args[number + 1])
        elif arg.startswith("--bind="):
            binds.append(arg.partition("=")[2])
        elif arg.startswith("-b") and len(arg) > 2:
            binds.append(arg[2:])
    return binds


def pid_path(address: str) -> str | None:
    """Return the pid file of a server listening on an address: one per port, none for port 0 or a socket file."""
    port = address.rpartition(":")[2]
    if not port.isdigit() or int(port) == 0:
        return None
    RUN_DIR.mkdir(exist_ok=True)
    return str(RUN_DIR / f"gunicorn-{port}.pid")


# One pid file per port, named after the address the server really listens on (the command line's
# --bind, then $GUNICORN_CMD_ARGS, then this file's): servers on other ports, such as the tests'
# (port 0, none), never find the pid file of `make serve`'s server, which gunicorn would take for
# "Already running" and refuse to start. `make stop` reads run/gunicorn-$(PORT).pid.
pidfile = pid_path(
    (command_line_binds(sys.argv[1:]) or command_line_binds(shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))) or bind)[0]
)

# A GET question may be 500 characters, and one character up to 12 bytes once percent-encoded:
# the default 4,094-byte request line would turn such a question into gunicorn's own HTML 414.
# 8,190 is gunicorn's largest; longer request lines still get that 414 before the app sees them.
limit_request_line = 8190

# Both logs go to the terminal (or whatever runs the server): for the access log, "-" is gunicorn's
# standard output, for the error log its standard error.
accesslog = "-"
errorlog = "-"
# The error log carries the service's own lines too (create_app hooks the `qa` loggers to it):
# index builds, document writes, compactions, snapshot swaps and failures.
loglevel = "info"
# Client, time, method, path without its query string (questions asked by GET stay out of the
# log), protocol, status, bytes, seconds taken, user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
# A worker silent this long is restarted: a 2 MB document takes seconds to annotate on a PUT.
timeout = 60

# The control socket (gunicornc, since gunicorn 25.1) is OFF. By default it lives outside the project,
# at $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl, one path for every gunicorn of the
# user: each server starting deletes the previous one's socket there, and each one stopping deletes
# it whoever made it, so the tests' and the benchmark's servers would take it from `make serve`'s.
# Servers here are managed with signals through the pid file (`make stop`), which needs no socket.
control_socket_disable = True
