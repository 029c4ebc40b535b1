"""Configuration: defaults, then the environment (QA_*), then what `create_app(config)` is given."""

from __future__ import annotations

import os

DEFAULTS = {
    "CORPUS_DIR": "corpus",  # relative paths are taken from the repository root
    "INDEX_DIR": "index",
    "RULES_DIR": None,  # None: the repository's rules/
    "REFRESH_SECONDS": 2.0,  # how often each process looks for corpus and rule changes
    "ADMIN_TOKEN": None,  # the bearer token writes need; None: writes are disabled (403)
}
# Environment variable -> configuration key, and how to read its value.
ENVIRONMENT = {
    "QA_CORPUS_DIR": ("CORPUS_DIR", str),
    "QA_INDEX_DIR": ("INDEX_DIR", str),
    "QA_RULES_DIR": ("RULES_DIR", str),
    "QA_REFRESH_SECONDS": ("REFRESH_SECONDS", float),
    "QA_ADMIN_TOKEN": ("ADMIN_TOKEN", str),
}


class ConfigError(ValueError):
    """A configuration value cannot be used; the message names the variable."""


def from_environment(environ=None) -> dict:
    """Return the configuration keys set in the environment (QA_CORPUS_DIR, ...), converted."""
    environ = os.environ if environ is None else environ
    config = {}
    for variable, (key, convert) in ENVIRONMENT.items():
        value = environ.get(variable)
        if value is None or value == "":
            continue
        try:
            config[key] = convert(value)
        except ValueError:
            raise ConfigError(f"{variable}={value!r} is not a valid {convert.__name__}") from None
    return config
