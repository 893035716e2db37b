"""The demo's own secrets, and reading `KEY=VALUE` environment files.

`make run` serves the demo with production settings (no debug pages): production mode
needs every secret, so on first start it generates them into `var/demo.env` (mode 0600)
and reuses that file afterwards. `credit.config.load()` reads the same file when the
process environment does not name another (`CREDIT_ENV_FILE`), so `credit` commands run
from the checkout after `make run` see the demo's keys without any variable set.

Run as `python -m credit.envfile [PATH]` (before Django is configured: the settings need
the file); it prints what it did and never overwrites an existing file.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEMO_ENV = BASE_DIR / "var" / "demo.env"
DEMO_DATABASE = BASE_DIR / "var" / "credit.sqlite3"

# The development defaults of credit.config: a demo database created before demo.env
# existed holds ID numbers encrypted and indexed with them.
DEV_FIELD_KEYS = {"dev1": "00112233445566778899aabbccddeeff"}
DEV_BLIND_INDEX_KEY = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"


class EnvFileError(ValueError):
    pass


def read(path: Path) -> dict[str, str]:
    """`KEY=VALUE` lines; blank lines and lines starting with # are skipped."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise EnvFileError(f"{path} 第 {number} 行不是 KEY=VALUE 格式 / line {number}")
        values[key.strip()] = value.strip()
    return values


def demo_values(keep_dev_data_keys: bool) -> dict[str, str]:
    if keep_dev_data_keys:
        field_keys, key_id, blind = DEV_FIELD_KEYS, "dev1", DEV_BLIND_INDEX_KEY
    else:
        field_keys = {"demo1": secrets.token_hex(16)}
        key_id, blind = "demo1", secrets.token_hex(32)
    return {
        "CREDIT_DEMO": "1",
        "CREDIT_SECRET_KEY": secrets.token_urlsafe(50),
        "CREDIT_FIELD_KEYS": json.dumps(field_keys),
        "CREDIT_FIELD_KEY_ID": key_id,
        "CREDIT_BLIND_INDEX_KEY": blind,
        "CREDIT_TOKEN_HASH_KEY": secrets.token_urlsafe(32),
        # The demo is plain HTTP on this machine: Secure cookies would never come back.
        "CREDIT_SECURE_COOKIES": "0",
        "CREDIT_HSTS_SECONDS": "0",
        # The demo passwords in var/demo-accounts.txt keep working for demonstrations.
        "CREDIT_PASSWORD_FORCE_CHANGE": "0",
    }


def _holds_subjects(database: Path) -> bool:
    """Whether a demo database already stores subjects (ID numbers encrypted with the
    development keys). An empty file, or one with only the schema, holds none."""
    if not database.exists():
        return False
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT 1 FROM subjects_subject LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False


def ensure_demo_env(path: Path = DEMO_ENV, database: Path = DEMO_DATABASE) -> bool:
    """Create the demo's environment file unless it exists; True when it was created."""
    if path.exists():
        return False
    values = demo_values(keep_dev_data_keys=_holds_subjects(database))
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# 信用本溪 demo (make run): generated on first start, reused afterwards.",
        "# Production settings otherwise; `credit` commands run from this checkout read it.",
        "# Delete it together with var/credit.sqlite3 to start over with new keys.",
        *(f"{key}={value}" for key, value in values.items()),
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEMO_ENV
    if ensure_demo_env(path):
        print(f"已生成演示环境密钥文件 {path}（仅本机演示使用，权限 0600）")
    else:
        print(f"使用已有的演示环境密钥文件 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
