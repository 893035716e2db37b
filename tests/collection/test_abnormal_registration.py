"""The national catalogue's 经营异常名录 (abnormal_operation) and 登记注册基本信息
(registration) datasets through the real import path: files (GB18030 CSV, XLSX), the API,
row errors in Chinese, exposure by their attributes and the registration consumer."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from credit import facts
from credit.audit.models import ChangeLog
from credit.collection.models import BatchState
from credit.portal import profile_page
from credit.records.models import Record
from credit.subjects import queries as subjects
from credit.subjects.models import RegStatus, Subject, SubjectNameSeen, SubjectRegistration

from .samples import SCJG_NAME, SCJG_USCC, company_uscc, penalty_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _day(d: dt.date | None) -> str:
    return d.strftime("%Y/%m/%d") if d else ""


def abnormal_row(n: int, listed: dt.date, removed: dt.date | None = None, **over) -> dict:
    row = {
        "主体名称": f"本溪市异常测试有限公司{n}",
        "主体类别": "法人及非法人组织",
        "统一社会信用代码": company_uscc(400 + n),
        "法定代表人（负责人）": "赵六",
        "列入日期": _day(listed),
        "列入原因": "未按规定公示年度报告",
        "列入决定机关": SCJG_NAME,
        "列入决定机关统一社会信用代码": SCJG_USCC,
        "移出日期": _day(removed),
        "移出原因": "补报未报年份的年度报告并公示" if removed else "",
        "移出决定机关": SCJG_NAME if removed else "",
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
    }
    row.update(over)
    return row


def registration_row(n: int, approved: dt.date, **over) -> dict:
    row = {
        "主体名称": f"本溪市登记测试有限公司{n}",
        "主体类别": "法人及非法人组织",
        "统一社会信用代码": company_uscc(500 + n),
        "主体类型": "有限责任公司",
        "法定代表人/负责人/经营者": "钱七",
        "成立日期": "2015/03/18",
        "注册资本（万元）": "500",
        "住所/经营场所": "辽宁省本溪市平山区胜利路1号",
        "经营范围": "日用百货销售",
        "营业期限自": "2015/03/18",
        "营业期限至": "",
        "登记机关": SCJG_NAME,
        "登记机关统一社会信用代码": SCJG_USCC,
        "登记状态": "存续",
        "核准日期": _day(approved),
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
    }
    row.update(over)
    return row


def _public(dataset: str) -> set[str]:
    return set(
        facts.readable(facts.RECORD, facts.Audience.PUBLIC)
        .filter(dataset__code=dataset)
        .values_list("data__JY_ZT_MC", flat=True)
    )


# --- abnormal_operation --------------------------------------------------------------------


def test_abnormal_listing_is_public_until_a_later_row_removes_it(scjg, run_file, tmp_path):
    listed = TODAY - dt.timedelta(days=200)
    rows = [abnormal_row(1, listed), abnormal_row(2, listed)]
    batch = run_file(scjg, write_csv(tmp_path / "异常.csv", rows), dataset="abnormal_operation")
    assert batch.state == BatchState.DONE, batch.message
    assert batch.new_rows == 2
    first = Record.objects.get(data__JY_ZT_MC="本溪市异常测试有限公司1")
    assert (first.public_from, first.public_until, first.visibility) == (listed, None, "public")
    assert _public("abnormal_operation") == {"本溪市异常测试有限公司1", "本溪市异常测试有限公司2"}

    # The removal: the same subject, listing date and authority, with 移出日期.
    removed = TODAY - dt.timedelta(days=3)
    again = write_xlsx(tmp_path / "移出.xlsx", [abnormal_row(1, listed, removed)])
    batch = run_file(scjg, again, dataset="abnormal_operation")
    assert batch.state == BatchState.DONE, batch.message
    assert (batch.new_rows, batch.updated_rows) == (0, 1)
    first.refresh_from_db()
    assert first.version_no == 2 and first.data["JY_YCRQ"] == removed.isoformat()
    assert (first.public_until, first.visibility) == (removed, "ended")
    assert _public("abnormal_operation") == {"本溪市异常测试有限公司2"}
    # Ended publicity also ends government sharing (domain.md §4).
    shared = facts.readable(facts.RECORD, facts.Audience.SHARING).filter(pk=first.pk)
    assert not shared.exists()


def test_abnormal_listed_again_later_is_another_listing(scjg, run_file, tmp_path):
    old = TODAY - dt.timedelta(days=800)
    rows = [abnormal_row(1, old, old + dt.timedelta(days=100)), abnormal_row(1, TODAY)]
    batch = run_file(scjg, write_csv(tmp_path / "两次.csv", rows), dataset="abnormal_operation")
    assert batch.state == BatchState.DONE, batch.message
    assert batch.new_rows == 2
    states = sorted(Record.objects.values_list("visibility", flat=True))
    assert states == ["ended", "public"]


def test_abnormal_row_errors_name_row_column_and_problem(scjg, run_file, tmp_path):
    listed = TODAY - dt.timedelta(days=20)
    rows = [
        abnormal_row(1, listed, **{"列入原因": "经营不善"}),
        abnormal_row(2, listed, listed - dt.timedelta(days=1)),
        abnormal_row(3, listed, **{"统一社会信用代码": ""}),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "错误.csv", rows), dataset="abnormal_operation")
    assert batch.state == BatchState.REJECTED
    assert Record.objects.count() == 0
    errors = {(e.row, e.column): e.message for e in batch.errors.all()}
    assert (2, "列入原因") in errors and "经营不善" in errors[(2, "列入原因")]
    assert (3, "移出日期") in errors and "列入日期" in errors[(3, "移出日期")]
    assert (4, "统一社会信用代码") in errors
    assert all(any("\u4e00" <= c <= "\u9fff" for c in m) for m in errors.values())


def test_abnormal_template_has_the_listing_reasons(client, admin_user, catalog):
    client.force_login(admin_user)
    response = client.get("/catalog/abnormal_operation/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in workbook.worksheets[0][1]]
    assert header[:3] == ["主体名称", "主体类别", "统一社会信用代码"]
    assert "移出日期" in header and "列入原因" in header
    # The listing reasons are a dropdown of the 列入原因 column.
    column = header.index("列入原因")
    sheet = workbook.worksheets[0]
    formulas = [
        v.formula1
        for v in sheet.data_validations.dataValidation
        if str(v.sqref).split(":")[0] == f"{chr(ord('A') + column)}2"
    ]
    assert formulas and "通过登记的住所或经营场所无法联系" in formulas[0]


def test_abnormal_by_api_push(client, api_client_scjg, catalog):
    _client, token = api_client_scjg
    listed = TODAY - dt.timedelta(days=5)
    response = client.post(
        "/api/v1/records",
        {
            "dataset": "abnormal_operation",
            "policy": "reject_failed_rows",
            "items": [abnormal_row(1, listed), abnormal_row(2, listed, **{"列入日期": "x"})],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["result"] for i in items] == ["新增", "错误"]
    assert items[1]["errors"][0]["column"] == "列入日期"
    assert _public("abnormal_operation") == {"本溪市异常测试有限公司1"}


# --- registration --------------------------------------------------------------------------


def test_registration_records_base_information_and_keeps_history(scjg, run_file, tmp_path):
    approved = TODAY - dt.timedelta(days=400)
    rows = [
        registration_row(1, approved),
        registration_row(2, approved, **{"登记状态": "吊销", "注册资本（万元）": ""}),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "登记.csv", rows), dataset="registration")
    assert batch.state == BatchState.DONE, batch.message
    first = Subject.objects.get(uscc=company_uscc(501))
    second = Subject.objects.get(uscc=company_uscc(502))
    assert first.reg_status == RegStatus.ACTIVE and subjects.is_active(first) is True
    assert second.reg_status == RegStatus.REVOKED and subjects.is_active(second) is False
    assert first.legal_rep == "钱七"
    info = dict(subjects.basic_info(first))
    assert info["名称"] == "本溪市登记测试有限公司1"
    assert info["统一社会信用代码"] == company_uscc(501)
    assert info["主体类型"] == "有限责任公司"
    assert info["注册资本（万元）"] == "500"
    assert info["营业期限"] == "2015-03-18 至 长期"
    assert info["登记状态"] == "存续" and info["核准日期"] == approved.isoformat()
    assert "注册资本（万元）" not in dict(subjects.basic_info(second))
    # The portal reads the registration in its own compiled statements (one round trip):
    # it must give the same 基本信息, decimals and dates included, on either engine.
    for subject in (first, second):
        data = profile_page.load(subject.public_id)
        assert data.registration is not None
        assert subjects.basic_info(data.subject, registration=data.registration) == (
            subjects.basic_info(subject)
        )

    # The same file again changes nothing; a deregistration is a new current version.
    batch = run_file(scjg, write_csv(tmp_path / "登记2.csv", rows), dataset="registration")
    assert batch.unchanged_rows == 2
    assert SubjectRegistration.objects.count() == 2
    later = TODAY - dt.timedelta(days=2)
    gone = registration_row(1, later, **{"登记状态": "注销", "法定代表人/负责人/经营者": "孙八"})
    batch = run_file(scjg, write_xlsx(tmp_path / "注销.xlsx", [gone]), dataset="registration")
    assert batch.state == BatchState.DONE, batch.message
    first.refresh_from_db()
    assert first.reg_status == RegStatus.DEREGISTERED and first.legal_rep == "孙八"
    history = subjects.registration_history(first)
    assert [h.status for h in history] == [RegStatus.DEREGISTERED, RegStatus.ACTIVE]
    assert history[0].superseded_at is None and history[1].superseded_at is not None
    assert history[0].source_record_id == Record.objects.get(subject=first).pk
    assert ChangeLog.objects.filter(action="subject.registration").count() == 2


def test_registration_never_renames_a_subject_silently(scjg, run_file, tmp_path):
    # The subject is known from a penalty under its name.
    batch = run_file(scjg, write_csv(tmp_path / "处罚.csv", [penalty_row(501)]))
    assert batch.state == BatchState.DONE, batch.message
    subject = Subject.objects.get(uscc=company_uscc(501))
    assert subject.name == "本溪市测试商贸有限公司501"

    renamed = registration_row(1, TODAY - dt.timedelta(days=1))
    batch = run_file(scjg, write_csv(tmp_path / "登记.csv", [renamed]), dataset="registration")
    assert batch.state == BatchState.DONE, batch.message
    subject.refresh_from_db()
    assert subject.name == "本溪市测试商贸有限公司501"  # unchanged until the office decides
    assert subject.needs_review
    seen = SubjectNameSeen.objects.get(subject=subject)
    assert seen.name == "本溪市登记测试有限公司1" and seen.resolved_at is None
    # The registration itself is recorded, with the name as registered.
    assert subjects.current_registration(subject).name == "本溪市登记测试有限公司1"
    assert dict(subjects.basic_info(subject))["名称"] == "本溪市测试商贸有限公司501"


def test_registration_validate_only_stores_nothing(scjg, run_file, tmp_path):
    rows = [registration_row(1, TODAY - dt.timedelta(days=10))]
    batch = run_file(
        scjg, write_csv(tmp_path / "登记.csv", rows), dataset="registration", dry_run=True
    )
    assert batch.error_rows == 0
    assert not SubjectRegistration.objects.exists()
    assert not Subject.objects.filter(reg_status__gt="").exists()


def test_registration_row_errors(scjg, run_file, tmp_path):
    day = TODAY - dt.timedelta(days=10)
    rows = [
        registration_row(1, day, **{"登记状态": "停业"}),
        registration_row(2, day, **{"主体类型": "公司"}),
        registration_row(3, day, **{"核准日期": "2010/01/01"}),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "登记.csv", rows), dataset="registration")
    assert batch.state == BatchState.REJECTED
    columns = {(e.row, e.column) for e in batch.errors.all()}
    assert {(2, "登记状态"), (3, "主体类型"), (4, "核准日期")} <= columns
    assert not SubjectRegistration.objects.exists()


def test_registration_by_api_and_base_information_without_registration(
    client, api_client_scjg, catalog
):
    _client, token = api_client_scjg
    response = client.post(
        "/api/v1/records",
        {"dataset": "registration", "items": [registration_row(7, TODAY - dt.timedelta(days=1))]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    assert [i["result"] for i in response.json()["items"]] == ["新增"]
    subject = Subject.objects.get(uscc=company_uscc(507))
    assert subjects.registration_status(subject) == RegStatus.ACTIVE

    bare = Subject.objects.create(
        public_id="bare-subject-1",
        kind="organization",
        name="本溪市无登记有限公司",
        name_norm="本溪市无登记有限公司",
        uscc=company_uscc(999),
        legal_rep="周九",
    )
    assert subjects.basic_info(bare) == [
        ("名称", "本溪市无登记有限公司"),
        ("统一社会信用代码", company_uscc(999)),
        ("主体类别", "法人及非法人组织"),
        ("法定代表人（负责人）", "周九"),
    ]
    assert subjects.registration_status(bare) == "" and subjects.is_active(bare) is None
