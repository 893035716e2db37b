"""Field types of the API's request schemas that no route should have to re-check."""

from __future__ import annotations

from typing import Annotated

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
