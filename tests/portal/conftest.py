"""Portal fixtures: one company with a public, an expired and a withdrawn penalty, a valid
licence, and a natural person with a public penalty, all imported through the real path."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.records import services as record_services
from credit.records.models import Record
from credit.subjects.models import Subject
from tests.collection.samples import (
    SCJG_NAME,
    SCJG_USCC,
    company_uscc,
    penalty_row,
    person_id,
    person_penalty_row,
    write_csv,
)

COMPANY = "本溪市（明山）钢铁贸易有限公司"
COMPANY_USCC = company_uscc(41)
LEGAL_REP_ID = person_id(3)
PERSON = "欧阳小明"
PERSON_ID = person_id(8)


def licence_row(n: int, *, decided: dt.date, until: dt.date, **overrides) -> dict[str, str]:
    row = {
        "行政相对人名称": COMPANY,
        "行政相对人类别": "法人及非法人组织",
        "行政相对人代码_1（统一社会信用代码）": COMPANY_USCC,
        "法定代表人": "张三",
        "法定代表人证件类型": "身份证",
        "法定代表人证件号码": LEGAL_REP_ID,
        "行政许可决定文书名称": "食品经营许可决定书",
        "行政许可决定文书号": f"本市监许〔2026〕{n}号",
        "许可类别": "普通",
        "许可内容": "预包装食品销售",
        "许可决定日期": decided.strftime("%Y/%m/%d"),
        "有效期自": decided.strftime("%Y/%m/%d"),
        "有效期至": until.strftime("%Y/%m/%d"),
        "许可机关": SCJG_NAME,
        "许可机关统一社会信用代码": SCJG_USCC,
        "当前状态": "1",
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
    }
    row.update(overrides)
    return row


@dataclass
class PortalData:
    company: Subject
    person: Subject
    public_penalty: Record
    expired_penalty: Record
    withdrawn_penalty: Record
    licence: Record
    person_penalty: Record


def _company_penalty(n: int, decided: dt.date, content: str) -> dict[str, str]:
    return penalty_row(
        n,
        decided=decided,
        **{
            "行政相对人名称": COMPANY,
            "行政相对人代码_1（统一社会信用代码）": COMPANY_USCC,
            "法定代表人证件类型": "身份证",
            "法定代表人证件号码": LEGAL_REP_ID,
            "证件类型": "",
            "证件号码": "",
            "处罚内容": content,
        },
    )


def load_portal_data(scjg, tmp_path) -> PortalData:
    call_command("load_catalog", verbosity=0)
    today = dt.date.today()
    actor = Actor.system("测试")
    penalties = [
        _company_penalty(901, today - dt.timedelta(days=5), "警告并处罚款二千元（公示中）"),
        _company_penalty(902, today - dt.timedelta(days=800), "罚款五千元（已过公示期）"),
        _company_penalty(903, today - dt.timedelta(days=10), "罚款一万元（已撤回）"),
        person_penalty_row(
            904,
            **{"行政相对人名称": PERSON, "证件号码": PERSON_ID, "处罚内容": "罚款五百元"},
        ),
    ]
    licences = [
        licence_row(
            905, decided=today - dt.timedelta(days=30), until=today.replace(year=today.year + 2)
        )
    ]
    for code, rows in (("penalty", penalties), ("licence", licences)):
        path = write_csv(tmp_path / f"{code}.csv", rows)
        batch = collection.submit_file(
            actor,
            dataset_code=code,
            department=scjg,
            fileobj=path,
            filename=path.name,
            run_now=True,
        )
        assert batch.state == "done", (
            batch.message,
            list(batch.errors.values_list("row", "column", "message")),
        )
    withdrawn = Record.objects.get(doc_number="本市监罚〔2026〕903号")
    record_services.withdraw(actor, withdrawn, "处罚决定已被撤销")
    return PortalData(
        company=Subject.objects.get(uscc=COMPANY_USCC),
        person=Subject.objects.get(kind="person"),
        public_penalty=Record.objects.get(doc_number="本市监罚〔2026〕901号"),
        expired_penalty=Record.objects.get(doc_number="本市监罚〔2026〕902号"),
        withdrawn_penalty=Record.objects.get(pk=withdrawn.pk),
        licence=Record.objects.get(doc_number="本市监许〔2026〕905号"),
        person_penalty=Record.objects.get(doc_number="本市监罚〔2026〕904号"),
    )


@pytest.fixture
def portal_data(db, scjg, tmp_path) -> PortalData:
    return load_portal_data(scjg, tmp_path)
