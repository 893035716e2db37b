import re
import secrets
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
# The X-Request-ID a caller sent, kept apart from ours: a client chooses it freely, so it
# must never stand in for the id the logs are joined on.
client_request_id: ContextVar[str] = ContextVar("client_request_id", default="")

CLIENT_REQUEST_ID_MAX = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9._:/+=@-]")


def new_request_id(given: str = "") -> str:
    """A fresh 32-hex-digit id, always made here.

    `given` (a caller's X-Request-ID) is ignored: it once became the logs' request id, so a
    client could forge or collide with another request's trail. Keep it with
    `clean_client_request_id` instead."""
    return secrets.token_hex(16)


def clean_client_request_id(given: str | None) -> str:
    """A caller's X-Request-ID as it may be stored: printable ASCII from a small set (no
    spaces, quotes, control characters or markup), at most 64 characters."""
    return _UNSAFE.sub("", given or "")[:CLIENT_REQUEST_ID_MAX]
