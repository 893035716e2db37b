"""The demo of `make run` (issue 11): production settings with generated secrets.

- var/demo.env is generated once (mode 0600) and reused; `credit` processes of the checkout
  read it when their environment brings no configuration of its own.
- Under those settings a visitor gets the platform's styled 404 and 500 pages, never
  Django's debug pages or a traceback.
- A configuration error makes `credit` exit 2 with the message, not a traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from credit import config, envfile
from tests.process_support import ROOT


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_")}
    env["DJANGO_SETTINGS_MODULE"] = "credit.settings"
    env.update(extra)
    return env


def _credit(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "credit.manage", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_demo_env_is_generated_once_private_and_parses(tmp_path):
    path = tmp_path / "var" / "demo.env"
    assert envfile.ensure_demo_env(path, tmp_path / "no-database") is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    assert envfile.ensure_demo_env(path, tmp_path / "no-database") is False
    assert path.read_text() == first  # reused, never regenerated

    values = config.load(config.with_env_file({"CREDIT_ENV_FILE": str(path)}))
    assert values["DEBUG"] is False and values["DEMO"] is True
    assert values["SECRET_KEY"] != "dev-insecure-secret-key-change-me"
    assert values["FIELD_KEY_ID"] in values["FIELD_KEYS"]
    assert values["FIELD_KEYS"] != envfile.DEV_FIELD_KEYS
    assert values["SECURE_COOKIES"] is False  # plain HTTP demo: the login must work

    other = tmp_path / "other.env"
    envfile.ensure_demo_env(other, tmp_path / "no-database")
    assert envfile.read(other)["CREDIT_SECRET_KEY"] != envfile.read(path)["CREDIT_SECRET_KEY"]


def test_demo_env_keeps_the_data_keys_of_an_existing_demo_database(tmp_path):
    database = tmp_path / "credit.sqlite3"
    database.write_bytes(b"")  # an empty file (any command creates one): new keys
    fresh = tmp_path / "fresh.env"
    envfile.ensure_demo_env(fresh, database)
    assert envfile.read(fresh)["CREDIT_FIELD_KEY_ID"] == "demo1"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE subjects_subject (id INTEGER)")
        conn.execute("INSERT INTO subjects_subject VALUES (1)")
    path = tmp_path / "demo.env"
    envfile.ensure_demo_env(path, database)
    values = envfile.read(path)
    # ID numbers already stored were encrypted and indexed with the development keys.
    assert json.loads(values["CREDIT_FIELD_KEYS"]) == envfile.DEV_FIELD_KEYS
    assert values["CREDIT_BLIND_INDEX_KEY"] == envfile.DEV_BLIND_INDEX_KEY


def test_the_environment_wins_over_the_file_and_own_configuration_skips_it(tmp_path, monkeypatch):
    path = tmp_path / "demo.env"
    envfile.ensure_demo_env(path, tmp_path / "none")
    merged = config.with_env_file({"CREDIT_ENV_FILE": str(path), "CREDIT_SECRET_KEY": "mine"})
    assert merged["CREDIT_SECRET_KEY"] == "mine"
    assert merged["CREDIT_DEMO"] == "1"

    monkeypatch.setattr(envfile, "DEMO_ENV", path)
    assert config.env_file_path({}) == path  # the checkout's demo file by default
    assert config.env_file_path({"CREDIT_DEBUG": "1"}) is None
    assert config.env_file_path({"CREDIT_SECRET_KEY": "x"}) is None
    assert config.env_file_path({"CREDIT_ENV_FILE": ""}) is None


def test_malformed_env_file_is_a_configuration_error(tmp_path):
    path = tmp_path / "bad.env"
    path.write_text("CREDIT_DEBUG=1\nthis is not a setting\n")
    with pytest.raises(config.ConfigError) as exc:
        config.with_env_file({"CREDIT_ENV_FILE": str(path)})
    assert "第 2 行" in exc.value.message


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        ({"CREDIT_DEBUG": "1", "CREDIT_RATE_LIMIT_PER_MINUTE": "many"}, "RATE_LIMIT_PER_MINUTE"),
        ({"CREDIT_DEBUG": "1", "CREDIT_DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL"),
        ({"CREDIT_ENV_FILE": ""}, "CREDIT_SECRET_KEY"),  # production mode, no secret given
    ],
    ids=["invalid value", "unknown database scheme", "missing secrets"],
)
def test_configuration_error_exits_2_with_a_message_not_a_traceback(broken, named):
    result = _credit(_env(**broken), "check")
    assert result.returncode == 2, result.stderr
    assert "配置错误" in result.stderr and named in result.stderr
    assert "Traceback" not in result.stderr


PROBE = """
import json, sys
from tests.wsgi_call import call
from credit.wsgi import application
from django.conf import settings
out = {"debug": settings.DEBUG, "demo": settings.CREDIT_DEMO}
for path in sys.argv[1:]:
    answer = call(application, b"", path=path, method="GET", host="127.0.0.1",
                  content_type="")
    out[path] = [answer["status"], answer["body"].decode()]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo installation's configuration: its generated file, its own database."""
    home = tmp_path_factory.mktemp("demo")
    path = home / "demo.env"
    envfile.ensure_demo_env(path, home / "none")
    env = _env(
        CREDIT_ENV_FILE=str(path),
        CREDIT_DATABASE_URL=f"sqlite:///{home / 'demo.sqlite3'}",
        CREDIT_MEDIA_ROOT=str(home / "media"),
        CREDIT_ALLOWED_HOSTS="127.0.0.1",
    )
    migrated = _credit(env, "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    return env, home


def _probe(env, *paths) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *paths],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_commands_read_the_demo_file_and_setup_demo_creates_accounts(demo):
    env, home = demo
    result = _credit(env, "setup_demo", "--no-data", f"--accounts-file={home / 'accounts.txt'}")
    assert result.returncode == 0, result.stderr
    assert "生产模式" not in result.stdout
    assert "admin" in (home / "accounts.txt").read_text()


def test_demo_answers_a_missing_page_with_the_styled_404(demo):
    env, _home = demo
    out = _probe(env, "/no-such-page/", "/subjects/nobody/")
    assert out["debug"] is False and out["demo"] is True
    for path in ("/no-such-page/", "/subjects/nobody/"):
        status, body = out[path]
        assert status == 404
        assert "信用本溪" in body and "css/site.css" in body
        assert "Page not found" not in body and "URLconf" not in body


def test_demo_answers_an_error_with_the_styled_500_without_a_traceback(demo, tmp_path):
    env, _home = demo
    # A database without tables: the home page's first query fails inside the view.
    broken = {**env, "CREDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    broken["CREDIT_RATE_LIMIT_PER_MINUTE"] = "0"
    status, body = _probe(broken, "/")["/"]
    assert status == 500
    assert "系统暂时无法处理您的请求（500）" in body and "css/site.css" in body
    assert "Traceback" not in body and "OperationalError" not in body
