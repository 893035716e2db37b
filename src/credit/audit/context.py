import secrets
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")


def new_request_id(given: str = "") -> str:
    """The caller's X-Request-ID (at most 64 characters), else a fresh 32-hex-digit id."""
    return given[:64] or secrets.token_hex(16)
