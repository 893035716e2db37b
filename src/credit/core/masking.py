"""Masking of personal identifiers for pages, logs and messages (domain.md §2 Masking)."""

from __future__ import annotations

import re

_ID_STARS = "*" * 8

# Two-character surnames: the whole surname stays visible (欧阳娜娜 → 欧阳**, not 欧***),
# as the public pages show it for single-character surnames.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "司徒",
        "东方",
        "慕容",
        "令狐",
        "皇甫",
        "尉迟",
        "长孙",
        "宇文",
        "夏侯",
        "端木",
        "公孙",
        "独孤",
        "南宫",
        "西门",
        "澹台",
        "轩辕",
        "呼延",
        "申屠",
        "万俟",
        "闻人",
        "赫连",
        "钟离",
        "太史",
        "百里",
        "东郭",
        "公冶",
        "濮阳",
        "淳于",
    ]
)
# Separators inside transliterated names (买买提·艾力, Zhang San) stay visible.
_NAME_SEPARATORS = frozenset(" ·•・.-")

# A run of 15 or 18 characters (digits, an ID number's final X) that is not part of a longer
# run. Deliberately broad: masking an unrelated number is harmless, leaking an ID is not.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")


def mask_id_number(s: str) -> str:
    """First 6 + 8 stars + last 4 (210502********1234); anything shorter is fully masked."""
    s = (s or "").strip()
    if len(s) >= 15:
        return s[:6] + _ID_STARS + s[-4:]
    return "*" * len(s)


def mask_person_name(name: str) -> str:
    """Keep the surname only: 张三丰 → 张**, 欧阳娜娜 → 欧阳**."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "".join(char if char in _NAME_SEPARATORS else "*" for char in name[keep:])


def mask_text_ids(text: str) -> str:
    """Replace every ID-number-looking substring of free text with its masked form."""
    if not text:
        return text
    return _ID_IN_TEXT.sub(lambda match: mask_id_number(match.group()), text)
