"""Validators for Chinese identifiers: USCC (GB 32100), org code (GB 11714), ID number (GB 11643).

Hand-written rather than python-stdnum: stdnum 2.2 rejects valid USCCs that start with a
letter (N…, A…, Y…) and rejects real ID numbers whose district did not exist in the birth
year. These functions run once per imported row, so everything they need is precomputed at
import time and no regular expression is involved.
"""

from __future__ import annotations

import operator
import unicodedata
from dataclasses import dataclass, field
from datetime import date


class IdentifierError(ValueError):
    """An invalid identifier: `code` is a stable English constant, `message` is Chinese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _clean(value: str) -> str:
    # Spreadsheets deliver full-width characters (９１３５…) and stray spaces; NFKC is only
    # paid for when the text is not already plain ASCII.
    value = value.strip()
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).strip()
    return value.upper()


# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {char: index for index, char in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_AUTHORITIES = frozenset("123456789ANY")


def _uscc_body_values(body17: str) -> list[int]:
    values = []
    for position, char in enumerate(body17, start=1):
        value = _USCC_VALUE.get(char)
        if value is None:
            raise IdentifierError(
                "uscc_charset",
                f"统一社会信用代码第 {position} 位字符“{char}”无效（不得使用 I、O、S、V、Z 及其他符号）",
            )
        values.append(value)
    return values


def uscc_check_char(body17: str) -> str:
    """The 18th character for the first 17 characters of a USCC."""
    if len(body17) != 17:
        raise IdentifierError(
            "uscc_length", f"统一社会信用代码本体应为 17 位，实际为 {len(body17)} 位"
        )
    try:
        # The common case in C: every character known (checked by the lookup itself).
        total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, body17), _USCC_WEIGHTS))
    except KeyError:
        _uscc_body_values(body17)  # raises the error that names the position
        raise
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(body17: str) -> str:
    body17 = _clean(body17)
    return body17 + uscc_check_char(body17)


def validate_uscc(code: str) -> str:
    """Return the normalised code (stripped, upper case) or raise IdentifierError."""
    code = _clean(code)
    if len(code) != 18:
        raise IdentifierError("uscc_length", f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    if code[0] not in USCC_AUTHORITIES:
        if code[0] not in _USCC_VALUE:
            _uscc_body_values(code[0])  # raises the charset error for position 1
        raise IdentifierError(
            "uscc_authority", f"统一社会信用代码第 1 位（登记管理部门代码）“{code[0]}”无效"
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        if code[17] not in _USCC_VALUE:
            raise IdentifierError("uscc_charset", f"统一社会信用代码第 18 位字符“{code[17]}”无效")
        raise IdentifierError("uscc_checksum", f"统一社会信用代码校验位错误，应为 {expected}")
    return code


def is_valid_uscc(code: str) -> bool:
    try:
        validate_uscc(code)
    except IdentifierError:
        return False
    return True


def uscc_embedded_org_code_ok(code: str) -> bool:
    """Whether positions 9–17 of a USCC form a valid organisation code.

    Only a warning: codes issued to 个体工商户 and some older registrations carry a
    position 9–17 block that fails the GB 11714 check, and they are still valid USCCs.
    """
    return is_valid_org_code(_clean(code)[8:17])


# --- 组织机构代码 (GB 11714) ----------------------------------------------------------------

_ORG_VALUE = {char: index for index, char in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# check = 11 − (Σ mod 11) is 1…11; 10 is written X and 11 is written 0.
_ORG_CHECK = {value: str(value) for value in range(1, 10)} | {10: "X", 11: "0"}


def org_code_check_char(body8: str) -> str:
    if len(body8) != 8:
        raise IdentifierError(
            "org_code_length", f"组织机构代码本体应为 8 位，实际为 {len(body8)} 位"
        )
    total = 0
    for position, (char, weight) in enumerate(zip(body8, _ORG_WEIGHTS, strict=True), start=1):
        value = _ORG_VALUE.get(char)
        if value is None:
            raise IdentifierError(
                "org_code_charset", f"组织机构代码第 {position} 位字符“{char}”无效"
            )
        total += value * weight
    return _ORG_CHECK[11 - total % 11]


def make_org_code(body8: str) -> str:
    """The 9-character code (no hyphen) for an 8-character body."""
    body8 = _clean(body8)
    return body8 + org_code_check_char(body8)


def validate_org_code(code: str) -> str:
    """Accept `XXXXXXXX-X` or `XXXXXXXXX`; return the 9 characters without the hyphen."""
    code = _clean(code)
    if len(code) == 10 and code[8] == "-":
        code = code[:8] + code[9]
    if len(code) != 9:
        raise IdentifierError("org_code_length", f"组织机构代码应为 9 位，实际为 {len(code)} 位")
    expected = org_code_check_char(code[:8])
    if code[8] != expected:
        raise IdentifierError("org_code_checksum", f"组织机构代码校验位错误，应为 {expected}")
    return code


def is_valid_org_code(code: str) -> bool:
    try:
        validate_org_code(code)
    except IdentifierError:
        return False
    return True


# --- 公民身份号码 (GB 11643-1999) -----------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_DIGITS = frozenset("0123456789")
# Province-level prefixes of GB/T 2260, plus 71 台湾, 81 香港, 82 澳门 and 83 (the residence
# permits of Taiwan residents). Anything else is only a warning: the district table changes
# over time and real residents keep numbers from districts that no longer exist.
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass
class IdNumberInfo:
    number: str  # normalised: upper-case X, no spaces; 15 characters when legacy
    birth_date: date
    sex: str  # '男' or '女'
    region: str  # the 6-digit region code as written, not checked against a district table
    legacy: bool  # an old 15-digit number without check digit
    warnings: list[str] = field(default_factory=list)


def id_check_char(body17: str) -> str:
    if len(body17) != 17 or not _DIGITS.issuperset(body17):
        raise IdentifierError("id_charset", "身份证号码前 17 位应为数字")
    total = sum(int(char) * weight for char, weight in zip(body17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def make_id_number(body17: str) -> str:
    body17 = _clean(body17)
    return body17 + id_check_char(body17)


def _birth_date(text: str, today: date) -> date:
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise IdentifierError("id_birth_date", f"身份证号码中的出生日期 {text} 无效") from None
    if born < _EARLIEST_BIRTH or born > today:
        raise IdentifierError("id_birth_date", f"身份证号码中的出生日期 {text} 不在合理范围内")
    return born


def validate_id_number(s: str, today: date | None = None) -> IdNumberInfo:
    """Check an 18-digit (or legacy 15-digit) ID number strictly; the region is only a warning."""
    number = _clean(s)
    today = today or date.today()
    if len(number) == 18:
        if not _DIGITS.issuperset(number[:17]) or not (number[17] in _DIGITS or number[17] == "X"):
            raise IdentifierError("id_charset", "身份证号码应为 17 位数字加 1 位数字或 X")
        born = _birth_date(number[6:14], today)
        expected = id_check_char(number[:17])
        if number[17] != expected:
            raise IdentifierError("id_checksum", f"身份证号码校验位错误，应为 {expected}")
        legacy = False
        sequence_digit = number[16]
    elif len(number) == 15:
        if not _DIGITS.issuperset(number):
            raise IdentifierError("id_charset", "15 位身份证号码应全部为数字")
        born = _birth_date("19" + number[6:12], today)
        legacy = True
        sequence_digit = number[14]
    else:
        raise IdentifierError("id_length", f"身份证号码应为 18 位或 15 位，实际为 {len(number)} 位")
    warnings = []
    if number[:2] not in PROVINCE_PREFIXES:
        warnings.append(f"身份证号码前两位 {number[:2]} 不是已知的省级行政区划代码")
    return IdNumberInfo(
        number=number,
        birth_date=born,
        sex="男" if int(sequence_digit) % 2 else "女",
        region=number[:6],
        legacy=legacy,
        warnings=warnings,
    )


def is_valid_id_number(s: str) -> bool:
    try:
        validate_id_number(s)
    except IdentifierError:
        return False
    return True


def upgrade_legacy_id(number: str) -> str:
    """The 18-digit form of a 15-digit number (insert 19, append the check); others unchanged.

    The same person appears with both forms in historical data; linking must compare the
    18-digit form.
    """
    number = _clean(number)
    if len(number) == 15 and _DIGITS.issuperset(number):
        return make_id_number(number[:6] + "19" + number[6:])
    return number
