"""Environment configuration.

Every setting the platform reads from the environment is declared once here, with its
type, default and help text. `load()` parses them all at start-up and stops the process
with a clear message when something required is missing or malformed, instead of failing
later in the middle of a request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREFIX = "CREDIT_"
BASE_DIR = Path(__file__).resolve().parent.parent.parent


class ConfigError(SystemExit):
    """Raised at start-up when the environment cannot run the platform."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean, got {raw!r}")


def _list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _json_dict(raw: str) -> dict[str, str]:
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


@dataclass(frozen=True)
class Option:
    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    # Required in production mode: the default is only acceptable for development.
    secret: bool = False


OPTIONS: tuple[Option, ...] = (
    Option("DEBUG", _bool, False, "Development mode: debug pages, demo secrets allowed."),
    Option(
        "SECRET_KEY",
        str,
        "dev-insecure-secret-key-change-me",
        "Django secret key (sessions, CSRF).",
        secret=True,
    ),
    Option(
        "DATABASE_URL",
        str,
        f"sqlite:///{BASE_DIR / 'var' / 'credit.sqlite3'}",
        "Database URL; sqlite:///path or postgres://user@host:port/name.",
    ),
    Option("ALLOWED_HOSTS", _list, ["127.0.0.1", "localhost"], "Comma-separated host names."),
    Option(
        "FIELD_KEYS",
        _json_dict,
        {"dev1": "00112233445566778899aabbccddeeff"},
        "JSON object key-id → 128-bit hex SM4 key for field encryption; old ids kept for rotation.",
        secret=True,
    ),
    Option("FIELD_KEY_ID", str, "dev1", "Key id used to encrypt new values.", secret=True),
    Option(
        "BLIND_INDEX_KEY",
        str,
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
        "Hex key of the HMAC-SM3 blind index for ID numbers.",
        secret=True,
    ),
    Option(
        "TOKEN_HASH_KEY",
        str,
        "dev-token-hash-key",
        "Key of the keyed hash that stores API tokens.",
        secret=True,
    ),
    Option(
        "TASKS_IMMEDIATE",
        _bool,
        False,
        "Run background jobs inline (tests) instead of through the db_worker process.",
    ),
    Option(
        "MEDIA_ROOT", Path, BASE_DIR / "var" / "media", "Where uploaded files and reports live."
    ),
    Option(
        "TOKEN_CACHE_SECONDS",
        float,
        1.0,
        "Seconds an API server process reuses an active token it has read (0: read on "
        "every call). Revoking through the platform takes effect at once in the process "
        "that revoked, and in the others within this time.",
    ),
    Option(
        "CHECK_ASYNC_COMMIT",
        _bool,
        False,
        "Opt-in, off by default: store a credit check that found nothing against its "
        "subject (no hit, no feedback due) with PostgreSQL's asynchronous commit. The answer "
        "then does not wait for the disk flush (about 20 % more checks per second on 2 "
        "cores), but a crash of the database server can lose the last ~0.6 s of such check "
        "records and their access-log rows, and their ids can be given again. Checks with a "
        "hit always wait.",
    ),
    Option(
        "BATCH_MAX_ATTEMPTS",
        int,
        1,
        "Times a batch is started automatically. A batch whose worker died while running it "
        "(crash, kill, out of memory) is failed with a reason for the department once it "
        "has been started this often, instead of being queued again.",
    ),
    Option(
        "BATCH_HEARTBEAT_SECONDS",
        float,
        5.0,
        "Interval of the heartbeat a running batch writes from its own thread and connection.",
    ),
    Option(
        "WORKER_SEEN_SECONDS",
        float,
        30.0,
        "A background worker not seen for this long is not counted as running.",
    ),
    Option(
        "WORKER_WAIT_WARNING_SECONDS",
        float,
        120.0,
        "A batch waiting this long while no background worker runs is shown as waiting "
        "for a worker (batch page, API, console home).",
    ),
    Option(
        "WORKER_RECOVER_SECONDS",
        float,
        30.0,
        "How often a background worker looks for batches whose worker died.",
    ),
    Option(
        "DB_CLIENT_CHECK_SECONDS",
        int,
        5,
        "PostgreSQL client_connection_check_interval: a statement whose client process "
        "died is cancelled by the server within this time (0: off).",
    ),
    Option("WEB_WORKERS", int, 2, "Web worker processes started by scripts/serve."),
    Option(
        "STOP_SECONDS",
        float,
        10.0,
        "scripts/serve: seconds its processes get to stop after TERM before they are killed.",
    ),
    Option(
        "BIN",
        str,
        "",
        "scripts/serve: directory of the credit and granian executables (default .venv/bin).",
    ),
    Option("LOG_LEVEL", str, "INFO", "Root log level."),
    Option("DEMO_ADMIN_PASSWORD", str, "", "Password of the demo admin created by make run."),
    Option(
        "RATE_LIMIT_PER_MINUTE", int, 120, "Public search/profile requests per client per minute."
    ),
    Option(
        "REDIS_URL",
        str,
        "",
        "Redis URL for the shared cache (rate limits across workers), e.g. "
        "redis://127.0.0.1:6379/1; empty: per-process memory cache.",
    ),
)


def load(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Parse every declared option; exit with a Chinese and English message on error."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    problems: list[str] = []
    for option in OPTIONS:
        raw = environ.get(PREFIX + option.name)
        if raw is None:
            values[option.name] = option.default
            continue
        try:
            values[option.name] = option.parse(raw)
        except (ValueError, TypeError) as exc:
            problems.append(f"{PREFIX}{option.name}: 取值无效 / invalid value ({exc})")
    if not values.get("DEBUG"):
        for option in OPTIONS:
            if option.secret and PREFIX + option.name not in environ:
                problems.append(
                    f"{PREFIX}{option.name}: 生产模式必须设置 / must be set in production mode "
                    f"({option.help})"
                )
    if problems:
        raise ConfigError("配置错误 / configuration error:\n  " + "\n  ".join(problems))
    return values


def describe() -> str:
    """Human-readable list of options (used by docs/operations.md)."""
    return "\n".join(
        f"{PREFIX}{o.name}  default={o.default!r}{'  [secret]' if o.secret else ''}\n    {o.help}"
        for o in OPTIONS
    )
