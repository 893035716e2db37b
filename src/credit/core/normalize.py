"""Text normalisation shared by header matching, document numbers and name search."""

from __future__ import annotations

import re
import unicodedata

# Brackets departments use interchangeably in document numbers: 本环罚〔2024〕12号,
# 本环罚[2024]12号, 本环罚【2024】12号 and 本环罚（2024）12号 are the same decision.
_BRACKETS = str.maketrans(
    {
        "〔": "(",
        "〕": ")",
        "[": "(",
        "]": ")",
        "【": "(",
        "】": ")",
        "〖": "(",
        "〗": ")",
        "（": "(",
        "）": ")",
        "{": "(",
        "}": ")",
    }
)
_SPACES = re.compile(r"\s+")


def halfwidth(text: str) -> str:
    """Full-width ASCII (ＡＢＣ１２３（）) to half-width; leaves CJK characters alone."""
    return unicodedata.normalize("NFKC", text)


def header_key(label: str) -> str:
    """Key for matching a column header: `代码_1（统一社会信用代码）` = `代码_1 (统一社会信用代码)`."""
    return _SPACES.sub("", halfwidth(label).translate(_BRACKETS)).upper()


def doc_key(number: str) -> str:
    """Normalised document number for the business key."""
    return _SPACES.sub("", halfwidth(number).translate(_BRACKETS)).upper()


def name_key(name: str) -> str:
    """Normalised subject name for search and matching."""
    return _SPACES.sub("", halfwidth(name).translate(_BRACKETS))


# C0 control characters and DEL. None belongs in a name, number, code or search term, and
# NUL in particular is refused by PostgreSQL in any text parameter ("A string literal
# cannot contain NUL"), so a pasted one would otherwise end as a 500 there.
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
# Multi-line text (reasons, facts) legitimately holds tabs and line breaks.
_CONTROL_CHARS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_chars(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds a control character (tab, CR and LF allowed when `multiline`)."""
    pattern = _CONTROL_CHARS_IN_TEXT if multiline else _CONTROL_CHARS
    return pattern.search(text) is not None


def strip_control_chars(text: str) -> str:
    """`text` without control characters: for search terms, where dropping them is kinder
    than refusing the query."""
    return _CONTROL_CHARS.sub("", text)


def as_int(text: str | None, *, max_digits: int = 18) -> int | None:
    """A non-negative integer typed as ASCII digits (an id, a page, a version), or None.

    `str.isdigit()` alone is not enough: it accepts "²" and other digits `int()` refuses,
    and `int()` refuses more than 4,300 digits.
    """
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
