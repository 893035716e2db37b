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
    """Raised at start-up when the environment cannot run the platform.

    A SystemExit so that any entry point stops with the message; the `credit` command
    prints it and exits 2 ("command unusable", as every command's usage errors)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


def _date(raw: str) -> str:
    import datetime as dt

    return dt.date.fromisoformat(raw.strip()).isoformat()


def _optional_bool(raw: str) -> bool | None:
    return None if raw.strip().lower() in {"", "auto"} else _bool(raw)


def _optional_int(raw: str) -> int | None:
    return None if raw.strip().lower() in {"", "auto"} else int(raw)


def _non_negative_int(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(f"expected 0 or more, got {raw!r}")
    return value


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {raw!r}")
        return value

    return parse


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
        "ENV_FILE",
        str,
        "",
        "File of CREDIT_*=value lines read at start; the process environment wins over it. "
        "Default: var/demo.env of the checkout (written by make run) when it exists and "
        "neither CREDIT_DEBUG nor CREDIT_SECRET_KEY is set; set it empty to read no file.",
    ),
    Option(
        "DEMO",
        _bool,
        False,
        "Demo installation (make run): production settings, but setup_demo creates the "
        "demo accounts and data. Set in var/demo.env; never in a real deployment.",
    ),
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
        "API_TOKEN_DAYS",
        _non_negative_int,
        365,
        "Days an API token issued in the admin stays valid (its expiry is set when it is "
        "issued); 0: tokens never expire (not recommended).",
    ),
    Option(
        "API_TOKEN_WARN_DAYS",
        _non_negative_int,
        30,
        "API tokens expiring within this many days are listed for the credit office "
        "(admin token list filter, console home of credit admins).",
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
        "UPLOAD_MAX_ROWS",
        int,
        1_000_000,
        "Most rows (header included) a department's data file may have; a larger file is "
        "refused before it is read. Batch-check files are also held to the check's limit.",
    ),
    Option("UPLOAD_MAX_COLUMNS", int, 200, "Most columns a data or batch-check file may have."),
    Option(
        "XLSX_MAX_CELLS",
        int,
        50_000_000,
        "Most cells (rows x columns of the area a workbook's first sheet spans) an XLSX may "
        "have: the reader allocates the whole area.",
    ),
    Option(
        "XLSX_MAX_SHEET_MB", int, 1024, "Most MB of uncompressed XML of the sheet that is read."
    ),
    Option(
        "XLSX_MAX_RATIO",
        int,
        100,
        "Most uncompressed/compressed size ratio of any zip entry over 1 MB in an XLSX.",
    ),
    Option("XLSX_MAX_ENTRIES", int, 1000, "Most zip entries an XLSX may contain."),
    Option(
        "XLSX_READER_MEMORY_MB",
        int,
        4096,
        "Address-space limit (MB) of the child process that reads a data upload's XLSX; a "
        "file needing more is refused, the worker survives.",
    ),
    Option("XLSX_READER_SECONDS", int, 900, "CPU-seconds limit of that child process."),
    Option(
        "CHECK_FILE_MEMORY_MB",
        int,
        1024,
        "Address-space limit (MB) of the child process that reads a batch-check XLSX.",
    ),
    Option("CHECK_FILE_SECONDS", int, 60, "CPU-seconds limit of that child process."),
    Option(
        "BATCH_MAX_ERRORS",
        int,
        1000,
        "Most problems stored in detail per batch; the rest are counted, and a batch with "
        "more is refused whole.",
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
        "RATE_LIMIT_PER_MINUTE",
        int,
        120,
        "Anonymous requests (portal pages, public lists, catalog, /api/v1/public/*, login "
        "pages) per client address per minute, counted across all workers; 0: no limit.",
    ),
    Option(
        "RATE_LIMIT_TOKEN_PER_MINUTE",
        int,
        0,
        "API requests per minute of one bearer token (a calling system); 0: no limit.",
    ),
    Option(
        "RATE_LIMIT_KEY_PREFIX",
        str,
        "credit:rl:",
        "Prefix of the rate-limit keys in Redis (deployments sharing one Redis differ here).",
    ),
    Option(
        "EARLIEST_DATE",
        _date,
        "1949-10-01",
        "Earliest date (YYYY-MM-DD) accepted in an imported date field; earlier dates are "
        "refused as out of range (typing errors such as 1899 or 0001). Dates from here up "
        "to the first year of the working-day calendar are accepted with their timeliness "
        "marked unknown.",
    ),
    Option(
        "REDIS_URL",
        str,
        "",
        "Redis URL for the shared cache and the rate-limit counts, e.g. "
        "redis://127.0.0.1:6379/1; empty: counts in the database (core_ratecounter).",
    ),
    Option(
        "NOTICE_WEBHOOK_ALLOWED_HOSTS",
        _list,
        [],
        "Comma-separated hosts (name, *.suffix, or CIDR network) that notice webhooks may "
        "reach even on private or loopback addresses; empty: public addresses only.",
    ),
    Option(
        "NOTICE_WEBHOOK_TIMEOUT",
        _non_negative_int,
        5,
        "Seconds a notice webhook POST may take before it counts as failed and is retried (at least 1).",
    ),
    Option(
        "ACCESS_LOG_DEDUP_SECONDS",
        _non_negative_int,
        300,
        "Seconds within which the same user (or system) viewing the same credit-check "
        "result again writes no new access-log row for the subjects already logged; 0: "
        "every view is logged. Exports are always logged.",
    ),
    Option(
        "UPLOAD_RETENTION_DAYS",
        _non_negative_int,
        30,
        "Days an uploaded source file is kept (encrypted) after its batch is final; the "
        "daily job then builds the reports and deletes the file (0: at the next daily run).",
    ),
    # Password policy (等保 2.0 level 3).
    Option("PASSWORD_MIN_LENGTH", _non_negative_int, 10, "Minimum password length."),
    Option(
        "PASSWORD_MIN_CLASSES",
        _non_negative_int,
        3,
        "Character classes (upper case, lower case, digits, symbols) a password must mix.",
    ),
    Option(
        "PASSWORD_HISTORY",
        _non_negative_int,
        5,
        "A new password may not equal any of this many recent ones (0: only not the current).",
    ),
    Option(
        "PASSWORD_MAX_AGE_DAYS",
        _non_negative_int,
        90,
        "Days after which a password expires and must be changed at the next request (0: never).",
    ),
    Option(
        "PASSWORD_FORCE_CHANGE",
        _optional_bool,
        None,
        "Make users change a password set by someone else (new account, admin reset) "
        "before anything else. Default: on in production mode, off in development (demo).",
    ),
    # Web security of a deployment (issue 10, item 21). "Auto" defaults follow the mode:
    # on in production, off in development (make run serves plain HTTP on 127.0.0.1).
    Option(
        "SECURE_COOKIES",
        _optional_bool,
        None,
        "Send the session and CSRF cookies only over HTTPS (Secure flag). Default: on in "
        "production mode, off in development.",
    ),
    Option(
        "HSTS_SECONDS",
        _optional_int,
        None,
        "Strict-Transport-Security max-age in seconds (0: no HSTS header). Default: one "
        "year in production mode, 0 in development.",
    ),
    Option(
        "HSTS_INCLUDE_SUBDOMAINS",
        _bool,
        False,
        "Add includeSubDomains to the HSTS header (only when every subdomain is HTTPS).",
    ),
    Option(
        "PROXY_SSL_HEADER",
        str,
        "",
        "Header by which the reverse proxy says the request came over HTTPS, e.g. "
        "X-Forwarded-Proto (value https). Set only when the proxy always sets or strips it; "
        "empty: not behind such a proxy.",
    ),
    Option(
        "CSRF_TRUSTED_ORIGINS",
        _list,
        [],
        "Comma-separated origins (scheme and host, e.g. https://credit.benxi.gov.cn) whose "
        "form posts are accepted when the site is reached through a proxy under that name.",
    ),
    Option(
        "CSP_MODE",
        _choice("enforce", "report-only", "off"),
        "enforce",
        "Content-Security-Policy: enforce, report-only (the browser only reports "
        "violations) or off.",
    ),
    Option(
        "CSP_REPORT_URI",
        str,
        "",
        "Where browsers send CSP violation reports (report-uri); empty: none.",
    ),
    Option(
        "PERMISSIONS_POLICY",
        str,
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()",
        "Value of the Permissions-Policy header (browser features no page may use); empty: "
        "no header.",
    ),
    # The portal footer: what a government website shows (GB/T 政府网站 basics). The
    # placeholders say what to fill in until the office has its numbers.
    Option(
        "SITE_HOST_ORG",
        str,
        "本溪市社会信用体系建设领导小组办公室",
        "主办单位 shown in the portal footer.",
    ),
    Option(
        "SITE_CONTACT",
        str,
        "联系电话：（待配置） 电子邮箱：（待配置）",
        "Contact line of the portal footer (telephone, e-mail, address).",
    ),
    Option("SITE_CODE", str, "（待配置）", "网站标识码 of the portal footer."),
    Option("SITE_ICP", str, "辽ICP备（待配置）号", "ICP 备案号 of the portal footer."),
    Option("SITE_PSB", str, "辽公网安备（待配置）号", "公安机关备案号 of the portal footer."),
    # Credit reports (credit.reports).
    Option(
        "SITE_URL",
        str,
        "http://127.0.0.1:8000",
        "The portal's public address: printed in reports' QR codes and verify links.",
    ),
    Option(
        "REPORT_ISSUER",
        str,
        "信用本溪（本溪市公共信用信息共享平台）",
        "Issuer named on credit reports and in their signature.",
    ),
    Option(
        "REPORT_SIGNING_P12",
        str,
        "",
        "PKCS#12 file with the platform's report signing key and certificate. Required in "
        "production (reports are refused without it); in development and demo "
        "installations, empty means a self-signed demo certificate under MEDIA_ROOT/signing.",
    ),
    Option(
        "REPORT_SIGNING_PASSWORD",
        str,
        "",
        # Not `secret`: only a deployment that names a certificate needs it (signing.py).
        "Passphrase of CREDIT_REPORT_SIGNING_P12.",
    ),
    Option(
        "REPORT_REFRESH_DAYS",
        _non_negative_int,
        30,
        "When a subject's facts change and its public report was downloaded within this "
        "many days, a background job issues the new report at once, so the next download "
        "is a stored file. 0: issue only on request.",
    ),
    Option(
        "REPORT_PER_MINUTE",
        _non_negative_int,
        10,
        "Public credit report downloads one client address may make per minute, on top of "
        "the portal's general limit (a report is a signed PDF, costlier than a page). "
        "0: no limit of its own.",
    ),
    Option(
        "SERVER_HEADER",
        str,
        "",
        "Value sent in the Server header instead of the web server's name and version "
        "(granian cannot omit the header; the application's value replaces its banner).",
    ),
    Option(
        "COMMITMENT_VERIFY_WORKDAYS",
        _non_negative_int,
        20,
        "Working days after a 审批替代型 credit commitment within which the accepting "
        "department verifies it when the commitment names no 核查期限 of its own; past "
        "it the commitment is listed as overdue. 0: such commitments have no due date.",
    ),
    Option(
        "REPAIR_ACCEPT_WORKDAYS",
        _non_negative_int,
        3,
        "Working days within which the deciding department accepts (受理) or refuses a "
        "credit repair application (domain.md §5).",
    ),
    Option(
        "REPAIR_DECIDE_WORKDAYS",
        _non_negative_int,
        5,
        "Working days after acceptance within which the department decides a credit repair.",
    ),
    Option(
        "REPAIR_EXTENSION_WORKDAYS",
        _non_negative_int,
        5,
        "Working days the one extension of a repair decision adds, with its reason.",
    ),
    Option(
        "REPAIR_BAR_MONTHS",
        _non_negative_int,
        12,
        "Months after a revoked repair (false materials) during which no new application "
        "for the same fact is accepted.",
    ),
)


def env_file_path(environ: dict[str, str]) -> Path | None:
    """The environment file to read: CREDIT_ENV_FILE; else the checkout's demo file, when
    the environment brings no configuration of its own (neither CREDIT_DEBUG nor
    CREDIT_SECRET_KEY): a deployment or a development shell is never mixed with the demo's."""
    from credit import envfile

    named = environ.get(PREFIX + "ENV_FILE")
    if named is not None:
        return Path(named) if named.strip() else None
    if PREFIX + "DEBUG" in environ or PREFIX + "SECRET_KEY" in environ:
        return None
    return envfile.DEMO_ENV if envfile.DEMO_ENV.exists() else None


def with_env_file(environ: dict[str, str]) -> dict[str, str]:
    """The process environment over the values of its environment file."""
    from credit import envfile

    path = env_file_path(environ)
    if path is None:
        return dict(environ)
    try:
        values = envfile.read(path)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"配置错误 / configuration error:\n  {PREFIX}ENV_FILE: 无法读取 / unreadable ({exc})"
        ) from None
    return {**values, **environ}


def load(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Parse every declared option; exit with a Chinese and English message on error.

    Without `environ`, the process environment is read over its environment file
    (`with_env_file`)."""
    environ = with_env_file(os.environ) if environ is None else environ
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
