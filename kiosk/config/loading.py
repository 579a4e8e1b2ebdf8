"""Reading settings from `kiosk.toml` and `KIOSK_<SECTION>_<KEY>` environment variables, and
writing one setting back.

Every value is checked on the way in: an unknown section, setting or `KIOSK_*` variable is an
error naming it (a typo must not be silently ignored), and so is a value of the wrong type.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from kiosk.config import (
    CameraConfig,
    DisplayConfig,
    EnrolmentConfig,
    FleetConfig,
    KioskConfig,
    PathsConfig,
    PipelineConfig,
    PrivacyConfig,
    RecommendConfig,
    StaffConfig,
    VisionConfig,
)
from kiosk.errors import ConfigError
from kiosk.paths import default_data_dir, write_private_file

ENV_PREFIX = "KIOSK_"
CONFIG_ENV = "KIOSK_CONFIG"
# KIOSK_* variables that are not settings: the config file, and the bundle passphrase that
# `kiosk people export/import-bundle` read. Any other KIOSK_* variable must be a setting.
OTHER_ENV = frozenset({CONFIG_ENV, "KIOSK_BUNDLE_PASSPHRASE"})


_SECTIONS: dict[str, type[Any]] = {
    "paths": PathsConfig,
    "vision": VisionConfig,
    "pipeline": PipelineConfig,
    "camera": CameraConfig,
    "privacy": PrivacyConfig,
    "enrolment": EnrolmentConfig,
    "recommend": RecommendConfig,
    "staff": StaffConfig,
    "display": DisplayConfig,
    "fleet": FleetConfig,
}


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> KioskConfig:
    """Read settings from a TOML file (optional) and then the environment.

    Args:
        path: kiosk.toml to read; when None, `$KIOSK_CONFIG` if set, else
            `<data_dir>/kiosk.toml` if it exists, else defaults only.
        environ: the environment to read `KIOSK_*` overrides from (pass `os.environ`).

    Raises:
        ConfigError: the file is unreadable or malformed, a value has the wrong type, or a
            `KIOSK_*` variable is not a setting (a typo must not be silently ignored).
    """
    env = dict(environ or {})
    if path is None and CONFIG_ENV in env:
        path = Path(env[CONFIG_ENV])
    raw: dict[str, dict[str, Any]] = {}
    if path is not None:
        raw = _read_toml(path)
    else:
        default = _env_or_default_data_dir(env) / "kiosk.toml"
        if default.is_file():
            path = default
            raw = _read_toml(path)
    unknown = set(raw) - set(_SECTIONS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown section(s) {', '.join(sorted(unknown))}; expected one of "
            f"{', '.join(_SECTIONS)}"
        )
    where = {(s, n): str(path) for s, body in raw.items() for n in body}
    for variable, (section, name) in _env_settings(env).items():
        raw.setdefault(section, {})[name] = env[variable]
        where[(section, name)] = f"environment variable {variable}"
    sections = {
        name: _build_section(name, cls, raw.get(name, {}), where) for name, cls in _SECTIONS.items()
    }
    return replace(KioskConfig(**sections), source_file=path)


def _env_settings(env: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """`KIOSK_<SECTION>_<KEY>` variable -> (section, key).

    Raises:
        ConfigError: a `KIOSK_*` variable that is neither a setting nor one of `OTHER_ENV`.
    """
    found: dict[str, tuple[str, str]] = {}
    for variable in sorted(env):
        if not variable.startswith(ENV_PREFIX) or variable in OTHER_ENV:
            continue
        section, _, name = variable[len(ENV_PREFIX) :].lower().partition("_")
        cls = _SECTIONS.get(section)
        if cls is None or not name:
            raise ConfigError(
                f"environment variable {variable} is not a kiosk setting: settings are "
                f"KIOSK_<SECTION>_<NAME> with SECTION one of {', '.join(_SECTIONS)} (other "
                f"variables: {', '.join(sorted(OTHER_ENV))}); unset it or fix the name"
            )
        known = [f.name for f in fields(cls)]
        if name not in known:
            raise ConfigError(
                f"environment variable {variable} is not a kiosk setting: section {section} "
                f"has {', '.join(f'KIOSK_{section.upper()}_{k.upper()}' for k in known)}"
            )
        found[variable] = (section, name)
    return found


def _env_or_default_data_dir(env: Mapping[str, str]) -> Path:
    value = env.get(f"{ENV_PREFIX}PATHS_DATA_DIR")
    return Path(value) if value else default_data_dir()


def _read_toml(path: Path) -> dict[str, dict[str, Any]]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    for section, body in data.items():
        if not isinstance(body, dict):
            raise ConfigError(f"{path}: [{section}] must be a table, got {type(body).__name__}")
    return data


def _build_section(
    section: str,
    cls: type[Any],
    values: Mapping[str, Any],
    where: Mapping[tuple[str, str], str] | None = None,
) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        origin = (where or {}).get((section, name), "")
        prefix = f"{origin}: " if origin else ""
        if name not in known:
            raise ConfigError(
                f"{prefix}[{section}] has no setting {name!r}; expected one of {', '.join(known)}"
            )
        default = getattr(cls(), name)
        try:
            kwargs[name] = _coerce(f"{section}.{name}", value, type(default))
        except ConfigError as exc:
            raise ConfigError(f"{prefix}{exc}") from exc
    try:
        return cls(**kwargs)
    except ConfigError as exc:
        origins = sorted({(where or {}).get((section, n), "") for n in kwargs} - {""})
        raise ConfigError(f"{' / '.join(origins)}: {exc}" if origins else str(exc)) from exc


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _coerce(name: str, value: Any, kind: type[Any]) -> Any:
    try:
        if kind is bool:
            return _boolean(name, value)
        if kind is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            return int(value)
        if kind is float and isinstance(value, bool):
            raise ValueError(value)
        if issubclass(kind, Path):
            return Path(str(value)).expanduser()
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be {kind.__name__}, got {value!r}") from exc


def _boolean(name: str, value: Any) -> bool:
    """true/false (TOML), or one of the usual words in an environment variable; nothing else
    ("ture" is a typo, not False)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (also 1/0, yes/no, on/off), got {value!r}")


def write_setting(path: Path, section: str, name: str, value: float | int | str | bool) -> None:
    """Set one setting in a kiosk.toml (created if absent), keeping every other setting.

    The file is replaced atomically (written beside it, then renamed).

    Raises:
        ConfigError: the section or setting does not exist, or the file is not valid TOML.
    """
    cls = _SECTIONS.get(section)
    if cls is None or name not in {f.name for f in fields(cls)}:
        raise ConfigError(f"there is no setting [{section}] {name}")
    data: dict[str, dict[str, Any]] = _read_toml(path) if path.exists() else {}
    data.setdefault(section, {})[name] = value
    _build_section(section, cls, data[section])  # validate before writing
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private_file(path, tomli_w.dumps(data).encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}; nothing changed") from exc
