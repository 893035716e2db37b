"""Deployment security settings (issue 10, item 21).

Production mode is tested in a real child process: settings are read once at start-up, so
the only faithful check is a process started the way production starts one (CREDIT_DEBUG
unset, every secret given).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SECRETS = {
    "CREDIT_SECRET_KEY": "test-secret-key-for-production-mode-only",
    "CREDIT_FIELD_KEYS": '{"k1": "00112233445566778899aabbccddeeff"}',
    "CREDIT_FIELD_KEY_ID": "k1",
    "CREDIT_BLIND_INDEX_KEY": "ab" * 32,
    "CREDIT_TOKEN_HASH_KEY": "token-hash-key",
}

PRINT_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    name: getattr(settings, name, None)
    for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS",
        "CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY",
        "CREDIT_PERMISSIONS_POLICY", "CREDIT_SERVER_HEADER", "MIDDLEWARE",
        "SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF",
    )
}))
"""


def _settings_of(extra: dict[str, str], tmp_path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CREDIT_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(SECRETS)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "credit.settings",
            "CREDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "CREDIT_MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    env.update(extra)
    done = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_mode_sets_the_secure_defaults(tmp_path):
    s = _settings_of({}, tmp_path)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_HSTS_SECONDS"] == 31_536_000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert s["SECURE_PROXY_SSL_HEADER"] is None  # only behind a proxy that says so
    assert s["CSRF_TRUSTED_ORIGINS"] == []
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert s["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None
    assert "camera=()" in s["CREDIT_PERMISSIONS_POLICY"]
    assert "geolocation=()" in s["CREDIT_PERMISSIONS_POLICY"]
    assert s["CREDIT_SERVER_HEADER"] == ""
    assert "csp.middleware.CSPMiddleware" in s["MIDDLEWARE"]
    assert s["MIDDLEWARE"][0] == "credit.core.security.SecurityHeadersMiddleware"


def test_production_mode_takes_each_setting_from_its_variable(tmp_path):
    s = _settings_of(
        {
            "CREDIT_SECURE_COOKIES": "0",
            "CREDIT_HSTS_SECONDS": "600",
            "CREDIT_HSTS_INCLUDE_SUBDOMAINS": "1",
            "CREDIT_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "CREDIT_CSRF_TRUSTED_ORIGINS": "https://credit.benxi.gov.cn, https://xy.benxi.gov.cn",
            "CREDIT_CSP_MODE": "report-only",
            "CREDIT_CSP_REPORT_URI": "/csp-report/",
            "CREDIT_PERMISSIONS_POLICY": "camera=()",
            "CREDIT_SERVER_HEADER": "web",
        },
        tmp_path,
    )
    assert s["SESSION_COOKIE_SECURE"] is False and s["CSRF_COOKIE_SECURE"] is False
    assert s["SECURE_HSTS_SECONDS"] == 600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://credit.benxi.gov.cn", "https://xy.benxi.gov.cn"]
    assert s["CONTENT_SECURITY_POLICY"] is None
    report_only = s["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]
    assert report_only["report-uri"] == ["/csp-report/"]
    assert s["CREDIT_PERMISSIONS_POLICY"] == "camera=()"
    assert s["CREDIT_SERVER_HEADER"] == "web"


def test_development_mode_keeps_plain_http_working(tmp_path):
    s = _settings_of({"CREDIT_DEBUG": "1"}, tmp_path)
    assert s["SESSION_COOKIE_SECURE"] is False
    assert s["SECURE_HSTS_SECONDS"] == 0
    # The policy is enforced in development too, so a page that breaks it shows at once.
    assert s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]


def test_a_bad_csp_mode_stops_the_start(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as exc:
        _settings_of({"CREDIT_CSP_MODE": "loose"}, tmp_path)
    assert "CREDIT_CSP_MODE" in exc.value.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/console/login/", "/admin/login/", "/api/v1/docs"])
def test_every_page_answers_with_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Server"] == ""
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_https_behind_a_proxy_sends_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain.headers


def test_negative_retention_or_history_is_refused_at_start():
    from credit import config

    for name in ("CREDIT_UPLOAD_RETENTION_DAYS", "CREDIT_PASSWORD_HISTORY"):
        with pytest.raises(config.ConfigError) as exc:
            config.load({"CREDIT_DEBUG": "1", name: "-1"})
        assert name in str(exc.value)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_granian_answers_without_its_server_banner(tmp_path):
    """The real web server: granian sends `server: granian` unless the application sends
    a Server header of its own, which SecurityHeadersMiddleware always does."""
    import time
    import urllib.request
    from pathlib import Path

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        CREDIT_DEBUG="1",
        CREDIT_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CREDIT_MEDIA_ROOT=str(tmp_path / "media"),
    )
    granian = Path(sys.executable).with_name("granian")
    server = subprocess.Popen(
        [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
        + ["--workers", "1", "credit.wsgi:application"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/static/css/site.css", timeout=5
                ) as response:
                    headers = response.headers
                    break
            except OSError:
                time.sleep(0.2)
        assert headers is not None, "granian did not answer"
        assert headers.get_all("Server") == [""]
        assert "camera=()" in headers["Permissions-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=20)
