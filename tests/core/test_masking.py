import pytest

from credit.core.masking import mask_id_number, mask_person_name, mask_text_ids


def test_id_number_keeps_first_six_and_last_four():
    assert mask_id_number("210502198001011234") == "210502********1234"
    assert mask_id_number(" 21050219800101123X ") == "210502********123X"


def test_legacy_id_number_is_masked_to_the_same_shape():
    assert mask_id_number("210502800101123") == "210502********1123"


@pytest.mark.parametrize("value", ["E12345678", "1234", "2105021980"])
def test_short_values_are_fully_masked(value):
    masked = mask_id_number(value)
    assert set(masked) == {"*"}
    assert value not in masked


def test_empty_id_number():
    assert mask_id_number("") == ""


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张**"),
        ("李四", "李*"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("诸葛亮", "诸葛*"),
        ("上官婉儿", "上官**"),
        ("欧阳", "欧*"),  # two characters: surname 欧, given name 阳
        ("买买提·艾力", "买**·**"),
        ("王", "*"),
        ("", ""),
    ],
)
def test_person_name_keeps_surname_only(name, masked):
    assert mask_person_name(name) == masked


def test_text_ids_are_masked_in_free_text():
    text = "第3行：证件号码 11010519491231002X 与 210502800101123 重复；文号 本环罚〔2024〕12号"
    masked = mask_text_ids(text)
    assert "11010519491231002X" not in masked
    assert "210502800101123" not in masked
    assert "110105********002X" in masked
    assert "210502********1123" in masked
    assert "本环罚〔2024〕12号" in masked


def test_text_ids_leave_other_numbers_alone():
    text = "USCC 91110000600037341L, amount 12345678, card 6222021234567890123"
    assert mask_text_ids(text) == text


def test_text_id_at_string_edges_and_lower_x():
    assert mask_text_ids("11010519491231002x") == "110105********002x"
