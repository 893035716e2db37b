"""Types every API router shares: request field types that no route should have to
re-check, and the body of a refused request."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from credit.core.normalize import has_control_chars

CONTROL_CHARS_MESSAGE = "不能包含控制字符"


def _no_control_chars(value: str) -> str:
    # A NUL reaches PostgreSQL as a parameter and fails there (a 500); the API's 422
    # handler shows this Chinese message for the field.
    if has_control_chars(value):
        raise ValueError(CONTROL_CHARS_MESSAGE)
    return value


# A one-line code or name from a JSON body: no NUL, no other control character.
CleanStr = Annotated[str, AfterValidator(_no_control_chars)]


class Problem(Schema):
    """A refused request: a stable code for the calling system, a Chinese message for its
    people (the API's error handlers answer in this shape)."""

    code: str = Field(description="稳定的错误代码")
    message: str = Field(description="中文说明")
