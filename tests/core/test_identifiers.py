from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit.core.identifiers import (
    USCC_ALPHABET,
    IdentifierError,
    id_check_char,
    is_valid_id_number,
    is_valid_org_code,
    is_valid_uscc,
    make_id_number,
    make_org_code,
    make_uscc,
    org_code_check_char,
    upgrade_legacy_id,
    uscc_check_char,
    uscc_embedded_org_code_ok,
    validate_id_number,
    validate_org_code,
    validate_uscc,
)

USCC_VECTORS = [
    "91350100M000100Y43",
    "91110000600037341L",
    "91110108551385082Q",
    "91320100748204660Q",
    "11230500001755309F",
    "11320100MB1886843H",
]
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
TODAY = date(2025, 6, 1)


def _error_code(func, *args, **kwargs) -> str:
    with pytest.raises(IdentifierError) as exc:
        func(*args, **kwargs)
    assert exc.value.message  # always a Chinese message for people
    return exc.value.code


# --- USCC ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", USCC_VECTORS)
def test_uscc_vectors_are_valid(code):
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]
    assert make_uscc(code[:17]) == code


def test_uscc_normalises_case_space_and_fullwidth():
    assert validate_uscc(" 91110000600037341l ") == "91110000600037341L"
    assert validate_uscc("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"


@pytest.mark.parametrize("authority", ["N", "A", "Y"])
def test_uscc_letter_authorities_are_accepted(authority):
    # python-stdnum 2.2 rejects these; they are real (N = rural collectives).
    code = make_uscc(authority + "2210502MA0Y12345")
    assert validate_uscc(code) == code


def test_uscc_errors_carry_stable_codes():
    assert _error_code(validate_uscc, "9135010") == "uscc_length"
    assert _error_code(validate_uscc, "91350100M000100Y4O") == "uscc_charset"
    assert _error_code(validate_uscc, "9135010IM000100Y43") == "uscc_charset"
    assert _error_code(validate_uscc, "B1350100M000100Y43") == "uscc_authority"
    assert _error_code(validate_uscc, "Z1350100M000100Y43") == "uscc_charset"
    with pytest.raises(IdentifierError) as exc:
        validate_uscc("91350100M000100Y44")
    assert exc.value.code == "uscc_checksum"
    assert exc.value.message == "统一社会信用代码校验位错误，应为 3"
    assert not is_valid_uscc("91350100M000100Y44")


def test_uscc_embedded_org_code_is_a_warning_only():
    assert uscc_embedded_org_code_ok("91350100M000100Y43")
    org_body = "MA0Y1234"
    wrong_check = "1" if org_code_check_char(org_body) != "1" else "2"
    code = make_uscc("92210502" + org_body + wrong_check)
    # The embedded block fails GB 11714 but the USCC itself stays valid.
    assert not uscc_embedded_org_code_ok(code)
    assert validate_uscc(code) == code


uscc_bodies = st.tuples(
    st.sampled_from("123456789ANY"), st.text(USCC_ALPHABET, min_size=16, max_size=16)
).map("".join)


@settings(max_examples=200)
@given(uscc_bodies)
def test_uscc_detects_every_single_substitution(body):
    # Weights are powers of 3 mod 31 (never 0) and 31 is prime, so a changed value at any
    # position always changes the sum mod 31: every single substitution is caught.
    code = make_uscc(body)
    assert validate_uscc(code) == code
    for position in range(18):
        for char in USCC_ALPHABET:
            if char == code[position]:
                continue
            assert not is_valid_uscc(code[:position] + char + code[position + 1 :])


# --- 组织机构代码 ---------------------------------------------------------------------------


def test_org_code_vector():
    assert org_code_check_char("M000100Y") == "4"
    assert make_org_code("M000100Y") == "M000100Y4"
    assert validate_org_code("M000100Y-4") == "M000100Y4"
    assert validate_org_code("m000100y4") == "M000100Y4"
    assert is_valid_org_code("M000100Y4")


def test_org_code_check_maps_10_to_x_and_11_to_0():
    checks = {org_code_check_char(f"0000000{c}") for c in ORG_ALPHABET}
    checks |= {org_code_check_char(f"000000{c}0") for c in ORG_ALPHABET}
    assert checks == set("0123456789X")


def test_org_code_errors():
    assert _error_code(validate_org_code, "M000100Y") == "org_code_length"
    assert _error_code(validate_org_code, "M000100Y5") == "org_code_checksum"
    assert _error_code(validate_org_code, "M00010*Y4") == "org_code_charset"


org_bodies = st.text(ORG_ALPHABET, min_size=8, max_size=8)


@settings(max_examples=200)
@given(org_bodies)
def test_org_code_single_substitutions(body):
    # Body values run 0–35 but the check works mod 11, so two body characters whose values
    # differ by a multiple of 11 (0/B/M/X, 1/C/N/Y, …) are indistinguishable at any position:
    # GB 11714 cannot catch those substitutions. Every other body substitution, and every
    # substitution of the check character (its 11 symbols map one-to-one to Σ mod 11), is
    # caught.
    code = make_org_code(body)
    assert validate_org_code(code) == code
    for position in range(8):
        original = ORG_ALPHABET.index(code[position])
        for value, char in enumerate(ORG_ALPHABET):
            if value == original:
                continue
            changed = code[:position] + char + code[position + 1 :]
            assert is_valid_org_code(changed) == ((value - original) % 11 == 0)
    for char in "0123456789X":
        if char != code[8]:
            assert not is_valid_org_code(code[:8] + char)


# --- 公民身份号码 ---------------------------------------------------------------------------


def test_id_vector():
    info = validate_id_number("11010519491231002X", today=TODAY)
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "女"
    assert info.region == "110105"
    assert info.legacy is False
    assert info.warnings == []
    assert id_check_char("11010519491231002") == "X"
    assert make_id_number("11010519491231002") == "11010519491231002X"
    assert is_valid_id_number("11010519491231002X")


def test_id_lower_case_x_is_upper_cased():
    assert validate_id_number(" 11010519491231002x", today=TODAY).number == "11010519491231002X"


def test_id_sex_from_sequence():
    male = make_id_number("21050219800101001")
    assert validate_id_number(male, today=TODAY).sex == "男"


def test_id_errors():
    assert _error_code(validate_id_number, "1101051949123100", today=TODAY) == "id_length"
    assert _error_code(validate_id_number, "11010519491231A02X", today=TODAY) == "id_charset"
    assert _error_code(validate_id_number, "11010519491231002Y", today=TODAY) == "id_charset"
    assert _error_code(validate_id_number, "110105194912310021", today=TODAY) == "id_checksum"
    # 1949-02-30 does not exist, even with a correct check digit.
    bad_day = make_id_number("11010519490230002")
    assert _error_code(validate_id_number, bad_day, today=TODAY) == "id_birth_date"
    future = make_id_number("11010520300101002")
    assert _error_code(validate_id_number, future, today=TODAY) == "id_birth_date"
    too_old = make_id_number("11010518991231002")
    assert _error_code(validate_id_number, too_old, today=TODAY) == "id_birth_date"


def test_id_unknown_province_is_only_a_warning():
    number = make_id_number("99010519800101002")
    info = validate_id_number(number, today=TODAY)
    assert info.number == number
    assert info.warnings and "99" in info.warnings[0]


def test_id_district_that_no_longer_exists_is_accepted():
    # 210511 is not a current Benxi district; stdnum would reject it, we only check the province.
    number = make_id_number("21051119500101001")
    assert validate_id_number(number, today=TODAY).warnings == []


def test_legacy_15_digit_number():
    info = validate_id_number("210502491231002", today=TODAY)
    assert info.legacy is True
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "女"
    assert info.region == "210502"
    assert _error_code(validate_id_number, "210502491331002", today=TODAY) == "id_birth_date"
    assert _error_code(validate_id_number, "21050249123100X", today=TODAY) == "id_charset"
    upgraded = upgrade_legacy_id("210502491231002")
    assert upgraded == make_id_number("21050219491231002")
    assert validate_id_number(upgraded, today=TODAY).birth_date == info.birth_date
    assert upgrade_legacy_id("11010519491231002x") == "11010519491231002X"


id_bodies = st.builds(
    lambda region, born, seq: f"{region}{born:%Y%m%d}{seq:03d}",
    st.sampled_from(["210502", "210503", "210504", "210505", "210521", "210522", "110105"]),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)


@settings(max_examples=200)
@given(id_bodies)
def test_id_number_detects_every_single_substitution(body):
    # The weights 2^(17-i) mod 11 are never 0 and body digits differ by less than 11, so any
    # changed digit changes Σ mod 11; the 11 check symbols "10X98765432" are distinct, so a
    # changed check character is caught too. (Some changes are reported as an impossible
    # birth date instead of a checksum error; either way the number is rejected.)
    number = make_id_number(body)
    assert validate_id_number(number, today=TODAY).number == number
    for position in range(18):
        for char in DIGITS + ("X" if position == 17 else ""):
            if char == number[position]:
                continue
            changed = number[:position] + char + number[position + 1 :]
            with pytest.raises(IdentifierError):
                validate_id_number(changed, today=TODAY)
