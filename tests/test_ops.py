"""Operations: the dependency locks, gunicorn.conf.py and the Makefile's variables."""

from __future__ import annotations

import importlib.metadata
import os
import runpy
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def requirement_lines(path: Path) -> list[str]:
    """Return the requirement lines of a requirements file: no comments, blank lines or options (-r, -c)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            lines.append(line)
    return lines


def requirements(path: Path) -> dict[str, Requirement]:
    """Return the requirements of a file by canonical name."""
    found = {}
    for line in requirement_lines(path):
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{path.name}: {name} twice"
        found[name] = requirement
    return found


def pins(path: Path) -> dict[str, str]:
    """Return the pinned version of every package of a lock; fail on one that is not pinned with ==."""
    found = {}
    for name, requirement in requirements(path).items():
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{path.name}: {requirement} is not pinned with =="
        assert "*" not in specifiers[0].version, f"{path.name}: {requirement} is a wildcard, not a pin"
        assert not requirement.extras and requirement.marker is None, f"{path.name}: {requirement}: a lock line is a bare pin"
        found[name] = specifiers[0].version
    return found


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_each_lock_pins_every_package_with_double_equals(lock):
    assert len(pins(ROOT / lock)) >= 6  # the direct runtime dependencies at least


def test_the_dev_lock_holds_the_runtime_lock_at_the_same_versions():
    runtime, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    differing = {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version}
    assert not differing, f"requirements.txt vs requirements-dev.txt: {differing}"
    assert set(dev) > set(runtime)


@pytest.mark.parametrize(("source", "lock"), [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")])
def test_each_lock_satisfies_its_direct_requirements(source, lock):
    lock = pins(ROOT / lock)
    direct = requirements(ROOT / source)
    if source == "requirements-dev.in":
        direct |= requirements(ROOT / "requirements.in")  # included with -r
    for name, requirement in direct.items():
        assert name in lock, f"{source}: {name} is not in its lock"
        assert requirement.specifier.contains(lock[name], prereleases=True), f"{name}=={lock[name]} does not satisfy {requirement}"


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_each_lock_is_closed_under_the_requirements_of_its_packages(lock):
    """What every pinned package requires (as installed here, from the lock) is pinned too, at a version that fits."""
    locked = pins(ROOT / lock)
    for name, version in locked.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pytest.fail(f"{name} of {lock} is not installed: install the lock (make test)")
        assert installed == version, f"{name} {installed} installed, {version} in {lock}: install the lock (make test)"
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue  # an extra's, or another platform's or Python's
            needed = canonicalize_name(requirement.name)
            assert needed in locked, f"{lock}: {name} requires {requirement}, which is not pinned"
            assert requirement.specifier.contains(locked[needed], prereleases=True), (
                f"{lock}: {name} requires {requirement}, pinned at {locked[needed]}"
            )


def test_pyproject_lists_the_requirements_of_the_in_files():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def normalized(lines):
        return {canonicalize_name(r.name): str(r.specifier) for r in map(Requirement, lines)}

    assert normalized(project["dependencies"]) == normalized(requirement_lines(ROOT / "requirements.in"))
    assert normalized(project["optional-dependencies"]["dev"]) == normalized(requirement_lines(ROOT / "requirements-dev.in"))


# --- gunicorn.conf.py ---------------------------------------------------------------------------


def load_gunicorn_conf(monkeypatch, env: dict[str, str], argv: tuple[str, ...] = ("gunicorn", "app:create_app()")) -> dict:
    """Run gunicorn.conf.py as gunicorn does, with this environment and command line; return its settings."""
    for variable in ("HOST", "PORT", "WORKERS", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setattr(sys, "argv", list(argv))
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_conf_defaults(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, {})
    assert conf["bind"] == ["127.0.0.1:5000"]
    assert conf["workers"] == 2
    assert conf["pidfile"] == str(ROOT / "run" / "gunicorn-5000.pid")
    assert (ROOT / "run").is_dir()  # gunicorn refuses a pid file in a missing directory


def test_gunicorn_conf_reads_host_port_and_workers_from_the_environment(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, {"HOST": "0.0.0.0", "PORT": "8080", "WORKERS": "5"})
    assert conf["bind"] == ["0.0.0.0:8080"]
    assert conf["workers"] == 5
    assert conf["pidfile"] == str(ROOT / "run" / "gunicorn-8080.pid")
    assert load_gunicorn_conf(monkeypatch, {"HOST": "::1", "PORT": "8081"})["bind"] == ["[::1]:8081"]


@pytest.mark.parametrize(("variable", "value"), [("PORT", "http"), ("PORT", "-1"), ("WORKERS", "0"), ("WORKERS", "two")])
def test_gunicorn_conf_rejects_a_bad_value(monkeypatch, variable, value):
    with pytest.raises(ValueError, match=variable):
        load_gunicorn_conf(monkeypatch, {variable: value})


@pytest.mark.parametrize(
    ("argv", "cmd_args", "pidfile"),
    [
        (("gunicorn", "--bind", "127.0.0.1:0", "app:create_app()"), "", None),  # the tests' servers
        (("gunicorn", "-b", "127.0.0.1:7001", "app:create_app()"), "", "gunicorn-7001.pid"),
        (("gunicorn", "-b127.0.0.1:7002", "app:create_app()"), "", "gunicorn-7002.pid"),
        (("gunicorn", "--bind=127.0.0.1:7003", "app:create_app()"), "", "gunicorn-7003.pid"),
        (("gunicorn", "app:create_app()"), "--workers 3 --bind 127.0.0.1:7004", "gunicorn-7004.pid"),
        (("gunicorn", "--bind", "unix:/tmp/qa.sock", "app:create_app()"), "", None),
    ],
)
def test_the_pid_file_is_named_after_the_port_the_server_really_binds(monkeypatch, argv, cmd_args, pidfile):
    """A --bind on the command line overrides the file's bind: the pid file follows it, so servers never share one."""
    conf = load_gunicorn_conf(monkeypatch, {"PORT": "5000", "GUNICORN_CMD_ARGS": cmd_args}, argv)
    assert conf["pidfile"] == (str(ROOT / "run" / pidfile) if pidfile else None)


def test_gunicorn_conf_sets_only_settings_gunicorn_knows(monkeypatch):
    """gunicorn ignores an unknown name in its configuration file without a word: a typo would go unnoticed."""
    from gunicorn.config import KNOWN_SETTINGS

    known = {setting.name for setting in KNOWN_SETTINGS}
    conf = load_gunicorn_conf(monkeypatch, {})
    settings = {name for name, value in conf.items() if name.islower() and not name.startswith("_") and not callable(value)}
    settings -= {"os", "shlex", "sys"}  # modules imported
    assert settings <= known, settings - known
    assert {"bind", "workers", "pidfile", "limit_request_line", "accesslog", "errorlog", "control_socket_disable"} <= settings
    assert conf["limit_request_line"] == 8190
    assert conf["control_socket_disable"] is True


# --- Makefile --------------------------------------------------------------------------------------


def make_output(*args: str, env: dict[str, str] | None = None) -> str:
    """Run make in the repository with extra arguments (and environment); return its standard output."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    environment = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "WORKERS", "MAKEFLAGS", "MFLAGS")}
    environment.update(env or {})
    result = subprocess.run(
        [make, "--no-print-directory", "-C", str(ROOT), *args], env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


SHOW_ENVIRONMENT = ("--eval", "ops-show-environment: ; @echo $$HOST $$PORT $$WORKERS", "ops-show-environment")


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ((), {}, "127.0.0.1 5000 2"),
        (("PORT=8080",), {}, "127.0.0.1 8080 2"),
        ((), {"PORT": "8080", "WORKERS": "3"}, "127.0.0.1 8080 3"),
        (("HOST=0.0.0.0",), {"PORT": "8081"}, "0.0.0.0 8081 2"),
    ],
)
def test_make_passes_host_port_and_workers_to_gunicorn_from_its_command_line_or_environment(args, env, expected):
    """The recipes (gunicorn, and so gunicorn.conf.py) see HOST, PORT, WORKERS: defaults, `make serve PORT=..`, `PORT=.. make serve`."""
    assert make_output(*SHOW_ENVIRONMENT, *args, env=env).strip() == expected


def test_make_serve_installs_the_runtime_lock_only_and_make_test_the_dev_lock():
    serve = make_output("--dry-run", "--always-make", "serve")
    assert "-r requirements.txt" in serve and "requirements-dev.txt" not in serve
    assert "-m qa index" in serve and "gunicorn" in serve
    test = make_output("--dry-run", "--always-make", "test")
    assert "-r requirements-dev.txt" in test and "pytest" in test


@pytest.mark.parametrize(("args", "env"), [(("PORT=8082",), {}), ((), {"PORT": "8082"})])
def test_make_stop_reads_the_pid_file_of_its_port(args, env):
    assert "run/gunicorn-8082.pid" in make_output("--dry-run", "stop", *args, env=env)
