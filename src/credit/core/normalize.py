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
