"""One request straight through a WSGI application, as a server would send it."""

from __future__ import annotations

import io

import orjson


def call(
    app,
    body,
    token="",
    *,
    path="/api/v1/checks",
    method="POST",
    content_type="application/json",
    host="testserver",
    headers=None,
) -> dict:
    """{status, headers, body (bytes)} of `app`'s answer to `body` (bytes, or JSON-dumped)."""
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **(headers or {}),
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = int(status.split()[0])
        captured["headers"] = dict(response_headers)

    chunks = app(environ, start_response)
    try:
        captured["body"] = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return captured
