"""Issue 11: the list procedure in the console — written waivers, persons by ID number,
only the allowed actions, messages once, Chinese colons — and the same period end in the
console and the import path."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.audit.models import AccessLog, ChangeLog
from credit.core import fieldcrypto
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.lists import services
from credit.lists.models import EntryState, ListEntry
from credit.subjects.models import Subject
from tests.collection.samples import person_id

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
NOTICE = TODAY - dt.timedelta(days=40)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def owner(operator_user) -> Actor:
    return Actor.for_user(operator_user)


@pytest.fixture
def logged_in(client, operator_user, user_password):
    client.login(username=operator_user.username, password=user_password)
    return client


def _notify(actor, list_type, subject, on=NOTICE, number="本市监告〔2026〕11号"):
    return services.notify(actor, list_type, subject, number, on, "严重违法失信", "直接送达")


# --- written waiver -------------------------------------------------------------------------


def test_waiver_needs_a_date_and_a_document(owner, samr_list, subject, media):
    entry = _notify(owner, samr_list, subject)
    with pytest.raises(ServiceError) as exc:
        services.waive_statement(owner, entry, None, "放弃书〔2026〕1号")
    assert exc.value.message == "请填写书面放弃陈述申辩的日期"
    with pytest.raises(ServiceError) as exc:
        services.waive_statement(owner, entry, NOTICE + dt.timedelta(days=1), "  ")
    assert "放弃陈述申辩书的文号" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        services.waive_statement(owner, entry, NOTICE - dt.timedelta(days=1), "放弃书〔2026〕1号")
    assert exc.value.code == "waiver_before_notice"
    with pytest.raises(ServiceError) as exc:
        services.waive_statement(owner, entry, TODAY + dt.timedelta(days=1), "放弃书〔2026〕1号")
    assert exc.value.code == "date_in_future"
    bad = SimpleUploadedFile("waiver.exe", b"MZ")
    with pytest.raises(ServiceError) as exc:
        services.waive_statement(owner, entry, NOTICE, "", bad)
    assert exc.value.message == "书面材料只接受 PDF、JPG 或 PNG 文件"
    entry.refresh_from_db()
    assert not entry.statement_waived and entry.statement_waived_on is None


def test_waiver_records_date_number_and_encrypted_scan(owner, samr_list, subject, media):
    entry = _notify(owner, samr_list, subject)
    waived_on = NOTICE + dt.timedelta(days=2)
    scan = b"%PDF-1.4 signed waiver 210502198001011234"
    services.waive_statement(
        owner, entry, waived_on, "放弃书〔2026〕2号", SimpleUploadedFile("放弃书.pdf", scan)
    )
    entry.refresh_from_db()
    assert entry.statement_waived and entry.statement_waived_on == waived_on
    assert entry.statement_waiver_number == "放弃书〔2026〕2号"
    assert entry.statement_waiver_file_name == "放弃书.pdf"
    stored = media / "list-materials" / str(entry.pk) / entry.statement_waiver_file
    assert stored.exists() and scan not in stored.read_bytes()  # never kept in clear
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    event = entry.events.get(action="waive_statement")
    assert event.on == waived_on and "放弃书〔2026〕2号" in event.note
    log = ChangeLog.objects.get(action="list_entry.waive_statement")
    assert log.after["statement_waived_on"] == waived_on.isoformat()
    assert log.after["statement_waiver_number"] == "放弃书〔2026〕2号"

    # The decision may follow the waiver at once, but not precede it.
    with pytest.raises(ServiceError) as exc:
        services.decide(owner, entry, "本市监严〔2026〕2号", waived_on - dt.timedelta(days=1),
                        "事实", "依据")  # fmt: skip
    assert exc.value.code == "decision_before_waiver"
    services.decide(owner, entry, "本市监严〔2026〕2号", waived_on, "事实", "依据")
    assert entry.state == EntryState.DECIDED


def test_waiver_scan_is_served_to_the_department_only(
    client, logged_in, owner, other_operator, user_password, samr_list, subject, media
):
    entry = _notify(owner, samr_list, subject)
    scan = b"%PDF-1.4 waiver"
    services.waive_statement(owner, entry, NOTICE, "", SimpleUploadedFile("w.pdf", scan))
    page = logged_in.get(f"/console/lists/{entry.pk}/").content.decode()
    assert f"/console/lists/{entry.pk}/waiver-material/" in page and "w.pdf" in page
    response = logged_in.get(f"/console/lists/{entry.pk}/waiver-material/")
    assert response.status_code == 200 and response.content == scan
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert AccessLog.objects.filter(
        resource="lists.waiver_material", subject_id=subject.pk
    ).exists()
    client.logout()
    client.login(username=other_operator.username, password=user_password)
    assert client.get(f"/console/lists/{entry.pk}/waiver-material/").status_code == 404
    # Never on the public side.
    client.logout()
    assert client.get(f"/console/lists/{entry.pk}/waiver-material/").status_code == 302


def test_waiver_form_in_the_console(logged_in, owner, samr_list, subject, media):
    entry = _notify(owner, samr_list, subject)
    response = logged_in.post(f"/console/lists/{entry.pk}/waive/", {"waive-waived_on": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "这个字段是必填项" in html or "必填" in html
    assert "请填写放弃陈述申辩书文号，或上传书面放弃材料" in html
    response = logged_in.post(
        f"/console/lists/{entry.pk}/waive/",
        {
            "waive-waived_on": NOTICE.isoformat(),
            "waive-document": SimpleUploadedFile("放弃.png", b"\x89PNG scan"),
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.statement_waived_on == NOTICE and entry.statement_waiver_file_name == "放弃.png"


# --- only the allowed actions -----------------------------------------------------------------


def _offered(client, entry) -> set[str]:
    html = client.get(f"/console/lists/{entry.pk}/").content.decode()
    return set(re.findall(rf'action="/console/lists/{entry.pk}/([a-z]+)/"', html))


def test_detail_offers_exactly_the_allowed_actions(logged_in, owner, samr_list, make_subject):
    # Inside the statement window: no decision yet.
    fresh = _notify(owner, samr_list, make_subject(), on=TODAY)
    assert services.allowed_actions(fresh) == ["statement", "waive", "withdraw"]
    assert _offered(logged_in, fresh) == {"statement", "waive", "withdraw"}
    assert "届满后方可作出列入决定" in logged_in.get(f"/console/lists/{fresh.pk}/").content.decode()

    # After the window: the decision is offered too.
    entry = _notify(owner, samr_list, make_subject(), number="本市监告〔2026〕12号")
    assert _offered(logged_in, entry) == {"statement", "waive", "decide", "withdraw"}

    # A written waiver closes the statement step.
    services.waive_statement(owner, fresh, TODAY, "放弃书〔2026〕3号")
    assert services.allowed_actions(fresh) == ["decide", "withdraw"]
    assert _offered(logged_in, fresh) == {"decide", "withdraw"}
    with pytest.raises(ServiceError) as exc:
        services.record_statement(owner, fresh, "意见", "答复")
    assert exc.value.code == "statement_waived"

    services.decide(owner, entry, "本市监严〔2026〕12号", TODAY, "事实", "依据")
    assert _offered(logged_in, entry) == {"publish", "remove"}
    services.publish(owner, entry)
    assert _offered(logged_in, entry) == {"remove"}
    services.remove(owner, entry, "决定撤销", kind="revoked")
    assert _offered(logged_in, entry) == set()
    assert (
        "该条目当前没有可办理的事项"
        in logged_in.get(f"/console/lists/{entry.pk}/").content.decode()
    )

    # A POST to an action the state does not allow is refused with a Chinese message.
    response = logged_in.post(f"/console/lists/{entry.pk}/publish/", {})
    assert response.status_code == 400
    assert "不能" in response.content.decode()


def test_messages_appear_once_and_labels_use_chinese_colons(logged_in, owner, samr_list, subject):
    entry = _notify(owner, samr_list, subject)
    response = logged_in.post(
        f"/console/lists/{entry.pk}/withdraw/", {"withdraw-reason": "核实后不符合条件"}, follow=True
    )
    html = response.content.decode()
    assert html.count("已决定不予列入") == 1
    assert html.count('class="messages"') == 1

    form = logged_in.get("/console/lists/new/").content.decode()
    for label in ("名单类型", "主体类别", "统一社会信用代码", "身份证号码", "告知书文号"):
        assert f"{label}：</label>" in form
    assert ":</label>" not in form
    detail = logged_in.get(f"/console/lists/{entry.pk}/").content.decode()
    assert "<dt>状态：</dt>" in detail and "<dt>告知书：</dt>" in detail
    # The console's own layout and styles: its navigation marks 名单管理 as current.
    assert 'aria-current="page">名单管理' in detail and 'class="panel"' in detail


# --- persons and sole traders by ID number --------------------------------------------------


def _new_by_id(client, list_type, kind, number, name="", notice="本市监告〔2026〕21号"):
    return client.post(
        "/console/lists/new/",
        {
            "list_type": list_type.pk,
            "subject_kind": kind,
            "id_number": number,
            "subject_name": name,
            "notice_number": notice,
            "notice_date": NOTICE.isoformat(),
            "reasons": "严重违法失信",
        },
    )


def test_person_put_through_the_procedure_by_id_number(logged_in, owner, samr_list):
    number = person_id(41)
    response = _new_by_id(logged_in, samr_list, "person", number)
    assert response.status_code == 200
    assert "平台尚无该身份证号码对应的信用主体，请填写姓名" in response.content.decode()
    assert not Subject.objects.exists()

    response = _new_by_id(logged_in, samr_list, "person", number, "王小明")
    entry = ListEntry.objects.get()
    assert response.status_code == 302
    person = entry.subject
    assert person.kind == "person" and person.name == "王小明" and person.uscc is None
    assert person.id_digest == fieldcrypto.id_digest(number)
    assert number not in person.id_cipher and fieldcrypto.decrypt_id(person.id_cipher) == number
    created = ChangeLog.objects.get(action="subject.create")
    assert number not in str(created.after) and number[-4:] not in str(created.after)

    page = logged_in.get(f"/console/lists/{entry.pk}/").content.decode()
    masked = number[:6] + "********" + number[-4:]
    assert masked in page and number not in page
    assert AccessLog.objects.filter(resource="subjects.id_number", subject_id=person.pk).exists()
    listing = logged_in.get("/console/lists/").content.decode()
    assert number not in listing

    # The same number later finds the same subject, without a name.
    services.withdraw(owner, entry, "核实后不予列入")
    response = _new_by_id(logged_in, samr_list, "person", number, notice="本市监告〔2026〕22号")
    assert response.status_code == 302
    assert ListEntry.objects.count() == 2 and Subject.objects.count() == 1


def test_sole_trader_without_code_by_operator_id(logged_in, samr_list, make_subject):
    number = person_id(42)
    response = _new_by_id(logged_in, samr_list, "sole_trader", number, "平山区王记小吃店")
    assert response.status_code == 302
    trader = ListEntry.objects.get().subject
    assert trader.kind == "sole_trader" and trader.uscc is None
    # The operator as a natural person is another subject: the business has its own index.
    assert trader.id_digest != fieldcrypto.id_digest(number)
    response = _new_by_id(
        logged_in, samr_list, "person", number, "王五", notice="本市监告〔2026〕23号"
    )
    assert response.status_code == 302
    assert Subject.objects.filter(kind="person").count() == 1


@pytest.mark.parametrize(
    ("kind", "fields", "field", "message"),
    [
        ("person", {"id_number": "210502198001011230"}, "id_number", "身份证号码校验位错误"),
        ("person", {}, "id_number", "自然人请填写身份证号码"),
        ("organization", {}, "uscc", "法人及非法人组织请填写统一社会信用代码"),
        ("sole_trader", {}, "id_number", "无代码的填写经营者身份证号码"),
    ],
)
def test_subject_identification_errors_are_chinese(
    logged_in, samr_list, kind, fields, field, message
):
    data = {
        "list_type": samr_list.pk,
        "subject_kind": kind,
        "notice_number": "本市监告〔2026〕30号",
        "notice_date": NOTICE.isoformat(),
        "reasons": "理由",
        **fields,
    }
    response = logged_in.post("/console/lists/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ListEntry.objects.exists()


# --- period end: console and import alike -----------------------------------------------------


def test_console_decision_uses_the_core_period(owner, samr_list, subject):
    entry = _notify(owner, samr_list, subject, on=dt.date(2026, 11, 20))
    services.waive_statement(owner, entry, dt.date(2026, 11, 21), "放弃书〔2026〕5号")
    services.decide(owner, entry, "本市监严〔2026〕5号", dt.date(2026, 12, 5), "事实", "依据")
    assert (entry.period_start, entry.period_end) == (dt.date(2026, 12, 5), dt.date(2029, 12, 4))


def test_enter_decided_for_a_person_by_id_number(logged_in, samr_list):
    number = person_id(43)
    form = {
        "list_type": samr_list.pk,
        "subject_kind": "person",
        "id_number": number,
        "subject_name": "钱七",
        "decision_number": "本市监严〔2026〕43号",
        "decision_date": dt.date(2026, 12, 5).isoformat(),
        "basis": "依据",
        "publish_now": "on",
    }
    response = logged_in.post("/console/lists/enter/", form)
    entry = ListEntry.objects.get()
    assert response.status_code == 302
    assert entry.subject.kind == "person" and entry.subject.id_digest == fieldcrypto.id_digest(
        number
    )
    # The same end as the procedure and the import path give.
    assert entry.period_end == dt.date(2029, 12, 4)
    page = logged_in.get(f"/console/lists/{entry.pk}/").content.decode()
    assert number not in page and number[:6] + "********" + number[-4:] in page


def test_person_is_not_registered_when_the_notice_is_refused(logged_in, samr_list):
    response = logged_in.post(
        "/console/lists/new/",
        {
            "list_type": samr_list.pk,
            "subject_kind": "person",
            "id_number": person_id(44),
            "subject_name": "孙八",
            "notice_number": "本市监告〔2026〕44号",
            "notice_date": (TODAY + dt.timedelta(days=3)).isoformat(),
            "reasons": "理由",
        },
    )
    assert response.status_code == 200
    assert "告知日期不能晚于今天" in response.content.decode()
    assert not Subject.objects.exists() and not ListEntry.objects.exists()
