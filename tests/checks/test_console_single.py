"""The single check form refuses what cannot be checked; batches and the API still answer an
invalid row inside the check."""

from __future__ import annotations

import pytest

from credit.audit.models import AccessLog
from credit.checks.models import CreditCheck
from credit.checks.stats import monthly_stats, parse_month
from credit.core.actors import Actor
from credit.core.identifiers import IdentifierError, validate_id_number, validate_uscc

from .test_checks_helpers import make_person, make_subject, person_id, uscc

pytestmark = pytest.mark.django_db

URL = "/console/checks/new/"
NONE_GIVEN = "请至少填写统一社会信用代码、身份证号或名称之一"


def _validator_message(validate, value: str) -> str:
    try:
        validate(value)
    except IdentifierError as exc:  # the exact text the form must repeat
        return exc.message
    raise AssertionError(f"{value!r} is valid")


@pytest.fixture
def browser(client, operator_user):
    client.force_login(operator_user)
    return client


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"uscc": "   ", "id_number": " ", "name": "  "},
        {"region": "平山区", "purpose": "只填了地区"},
    ],
)
def test_nothing_to_identify_the_subject_is_refused(browser, data):
    response = browser.post(URL, {"scenario": "bidding", "purpose": "测试核查", **data})
    assert response.status_code == 200
    page = response.content.decode()
    assert NONE_GIVEN in page
    assert not CreditCheck.objects.exists()
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "field,value,validate",
    [
        ("id_number", "12345", validate_id_number),
        (
            "id_number",
            person_id(7)[:-1] + ("0" if person_id(7)[-1] != "0" else "1"),
            validate_id_number,
        ),
        ("uscc", "9121", validate_uscc),
        ("uscc", uscc(5)[:-1] + ("0" if uscc(5)[-1] != "0" else "1"), validate_uscc),
        ("uscc", "91210502MA0000O01X", validate_uscc),
    ],
)
def test_invalid_identifier_is_a_field_error_with_the_validators_message(
    browser, operator_user, field, value, validate
):
    expected = _validator_message(validate, value)
    response = browser.post(
        URL, {"scenario": "bidding", "purpose": "测试核查", field: value, "name": "某公司"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    # The field's own error, not a form-wide message.
    form = response.context["form"]
    assert form.errors[field] == [expected] and not form.non_field_errors()
    assert NONE_GIVEN not in page
    assert not CreditCheck.objects.exists()
    # Nothing was counted in the statistics either.
    assert monthly_stats(Actor.for_user(operator_user), parse_month(None))["departments"] == []


def test_five_digit_id_number_names_the_length(browser):
    page = browser.post(
        URL, {"scenario": "bidding", "purpose": "测试核查", "id_number": "21050"}
    ).content.decode()
    assert "身份证号码应为 18 位或 15 位，实际为 5 位" in page
    assert not CreditCheck.objects.exists()


def test_four_character_uscc_names_the_length(browser):
    page = browser.post(
        URL, {"scenario": "bidding", "purpose": "测试核查", "uscc": "9121"}
    ).content.decode()
    assert "统一社会信用代码应为 18 位，实际为 4 位" in page
    assert not CreditCheck.objects.exists()


def test_valid_code_typed_loosely_is_checked_normalised(browser):
    make_subject("本溪市规范代码有限公司", code=uscc(818181))
    typed = f"  {uscc(818181).lower()} "
    response = browser.post(URL, {"scenario": "bidding", "purpose": "测试核查", "uscc": typed})
    check = CreditCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/checks/{check.pk}/"
    item = check.answer["items"][0]
    assert item["status"] == "matched" and item["input"]["uscc"] == uscc(818181)


def test_person_by_id_number_is_checked_and_never_shown_in_clear(browser):
    number = person_id(42)
    make_person("王示例", number)
    response = browser.post(
        URL, {"scenario": "bidding", "purpose": "测试核查", "id_number": number}, follow=True
    )
    page = response.content.decode()
    assert CreditCheck.objects.get().answer["items"][0]["status"] == "matched"
    assert "王示例" in page
    assert number not in page
    assert f"{number[:6]}********{number[-4:]}" in page


def test_name_alone_is_still_checked(browser):
    response = browser.post(
        URL, {"scenario": "bidding", "purpose": "测试核查", "name": "本溪市查无此名有限公司"}
    )
    assert response.status_code == 302
    item = CreditCheck.objects.get().answer["items"][0]
    assert item["status"] == "not_found"


def test_batch_file_keeps_reporting_an_invalid_row_inside_the_check(browser, tmp_path):
    make_subject("本溪市批量有效有限公司", code=uscc(828282))
    path = tmp_path / "名单.csv"
    path.write_text(f"名称,统一社会信用代码\n,{uscc(828282)}\n某公司,9121\n", encoding="utf-8")
    with open(path, "rb") as fh:
        response = browser.post(
            "/console/checks/batch/", {"scenario": "bidding", "purpose": "测试核查", "file": fh}
        )
    assert response.status_code == 302
    statuses = [i["status"] for i in CreditCheck.objects.get().answer["items"]]
    assert statuses == ["matched", "invalid"]


def test_api_keeps_reporting_an_invalid_subject_inside_the_answer(client, api_client_scjg):
    _client, token = api_client_scjg
    response = client.post(
        "/api/v1/checks",
        {"scenario": "bidding", "purpose": "测试核查", "subjects": [{"uscc": "9121"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    item = response.json()["items"][0]
    assert item["status"] == "invalid"
    assert "统一社会信用代码应为 18 位，实际为 4 位" in item["message"]
