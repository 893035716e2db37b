"""Bad input to every page a person can reach never gives a 500.

Each query-string parameter, path segment and form field of the portal, the console, the
audit pages, the list procedure, the credit checks and the login page gets the values a
person can type or paste by accident or on purpose: NUL (PostgreSQL refuses it in text),
other control characters, 10,000 characters, impossible and far-away dates, non-numeric,
negative and oversized numbers, unknown choices. Every answer must be below 500, and a
form post with garbage must come back with a Chinese message instead of being accepted.

Each request runs in a savepoint that is rolled back, so one request's writes (or one
aborted PostgreSQL transaction) never change what the next one sees. /admin/ and /api/
are not covered here (the API is fuzzed by schemathesis).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from credit.checks.store import run_check
from credit.core.actors import Actor
from credit.lists import services as lists
from credit.lists.models import ListType
from tests.checks.test_checks_helpers import make_subject, put_on_list, uscc

pytestmark = pytest.mark.django_db

BAD = {
    "nul": "\x00",
    "nul_inside": "本溪\x00钢铁",
    "escape": "a\x1b[31mb",
    "long": "x" * 10_000,
    "bad_date": "2026-02-30",
    "far_future": "9999-12-31",
    "year_one": "0001-01-01",
    "word": "abc",
    "negative": "-1",
    "zero": "0",
    "huge": "99999999999999999999",
    "superscript": "²",
    "sql_and_like": "' OR '1'='1 %_\\",
    "far_month": "9999-12",
    "many_digits": "9" * 10_000,
}
CONTROL = ("nul", "nul_inside", "escape")
TODAY = dt.date.today()
CHECK_SUBJECT_USCC = uscc(515151)

# Messages a rejected value must produce, by the kind of field it was typed into.
CONTROL_MESSAGE = "不能包含控制字符"
TOO_LONG = "不超过"
INVALID_DATE = "有效的日期"
DATE_RANGE = "日期应在"
INVALID_CHOICE = "有效的选项"


def expected_error(kind: str, name: str) -> str | None:
    """The message a bad value must bring back, or None when the value is acceptable."""
    if kind == "text" or kind == "uscc":
        if name in CONTROL:
            return CONTROL_MESSAGE
        return TOO_LONG if name in ("long", "many_digits") else None
    if kind == "textarea":
        return CONTROL_MESSAGE if name in CONTROL else None
    if kind == "date":
        return DATE_RANGE if name in ("far_future", "year_one") else INVALID_DATE
    if kind == "choice":
        return INVALID_CHOICE
    if kind == "login":
        return CONTROL_MESSAGE if name in CONTROL else "用户名或密码不正确"
    return None


# ---------------------------------------------------------------------------------------
# the world the pages need


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 0


@pytest.fixture
def world(request, departments):
    """Objects the URLs name: created only for the cases that need them."""
    made: dict = {}

    def need(name: str):
        if name in made:
            return made[name]
        if name == "catalog":
            call_command("load_catalog", verbosity=0)
            made[name] = True
        elif name == "check":
            company = make_subject("本溪市坏输入测试有限公司", code=CHECK_SUBJECT_USCC)
            put_on_list(company, "samr_serious_violation")
            operator = request.getfixturevalue("operator_user")
            made[name] = run_check(
                Actor.for_user(operator),
                "bidding",
                [{"uscc": CHECK_SUBJECT_USCC}],
                purpose="测试核查",
            )
        elif name in ("notified", "decided"):
            operator = request.getfixturevalue("operator_user")
            company = make_subject(f"本溪市名单坏输入测试有限公司{name}", code=uscc(len(made) + 1))
            actor = Actor.for_user(operator)
            entry = lists.notify(
                actor,
                ListType.objects.get(code="samr_serious_violation"),
                company,
                f"本市监告〔2026〕{len(made) + 1}号",
                TODAY - dt.timedelta(days=30),
                "严重违法",
            )
            if name == "decided":
                lists.waive_statement(
                    actor, entry, TODAY - dt.timedelta(days=2), "放弃书〔2026〕1号"
                )
                lists.decide(
                    actor,
                    entry,
                    "本市监严〔2026〕1号",
                    TODAY - dt.timedelta(days=1),
                    "事实",
                    "依据",
                )
            made[name] = entry
        elif name == "record":
            from credit.collection import services as collection
            from credit.records.models import Record
            from tests.collection.samples import penalty_row, write_csv

            path = write_csv(request.getfixturevalue("tmp_path") / "bad.csv", [penalty_row(1)])
            collection.submit_file(
                Actor.system(),
                dataset_code="penalty",
                department=request.getfixturevalue("scjg"),
                fileobj=path,
                filename=path.name,
                run_now=True,
            )
            made[name] = Record.objects.get()
        elif name == "commitment":
            from credit.collection import services as collection
            from credit.commitments.models import Commitment
            from tests.commitments.samples import commitment_row

            collection.submit_rows(
                Actor.system(),
                dataset_code="commitment",
                department=request.getfixturevalue("scjg"),
                items=[commitment_row(1, made=dt.date(2026, 9, 30))],
            )
            made[name] = Commitment.objects.get()
        elif name == "scjg_id":
            made[name] = request.getfixturevalue("scjg").pk
        elif name == "repair":
            from credit.collection import services as collection
            from credit.records.models import Record
            from credit.repairs import services as repairs
            from tests.collection.samples import penalty_row, write_csv

            decided = TODAY - dt.timedelta(days=130)
            path = write_csv(
                request.getfixturevalue("tmp_path") / "repair.csv",
                [penalty_row(2, decided=decided)],
            )
            collection.submit_file(
                Actor.system(),
                dataset_code="penalty",
                department=request.getfixturevalue("scjg"),
                fileobj=path,
                filename=path.name,
                run_now=True,
            )
            made[name], _code = repairs.submit(
                Actor.system("测试"),
                Record.objects.get(doc_number="本市监罚〔2026〕2号"),
                applicant_name="李四",
                applicant_phone="13800000000",
                commitment_signed_name="李四",
                commitment_accepted=True,
                uploads=[SimpleUploadedFile("凭证.pdf", b"%PDF-1.4\n%%EOF\n")],
            )
        elif name == "repairable":
            # A public penalty past its minimum period, with no application yet.
            from credit.collection import services as collection
            from credit.records.models import Record
            from tests.collection.samples import penalty_row, write_csv

            path = write_csv(
                request.getfixturevalue("tmp_path") / "repairable.csv",
                [penalty_row(3, decided=TODAY - dt.timedelta(days=130))],
            )
            collection.submit_file(
                Actor.system(),
                dataset_code="penalty",
                department=request.getfixturevalue("scjg"),
                fileobj=path,
                filename=path.name,
                run_now=True,
            )
            made[name] = Record.objects.get(doc_number="本市监罚〔2026〕3号")
        elif name == "samr_list":
            made[name] = ListType.objects.get(code="samr_serious_violation")
        elif name == "list_company":
            made[name] = make_subject("本溪市新列入测试有限公司", code=uscc(626262))
        elif name in ("review_subject", "name_seen", "merge"):
            made.update(_review_world())
        elif name == "sample":
            from credit.supervision import services as supervision

            company = make_subject("本溪市抽查坏输入测试有限公司", code=uscc(828282))
            operator = request.getfixturevalue("operator_user")
            made[name] = supervision.draw_sample(
                Actor.for_user(operator),
                department_id=None,
                population_kind="listed",
                subjects=[company.uscc],
                seed="1",
            )
        return made[name]

    return need


def _review_world() -> dict:
    """Two name-only namesakes (a review group), a third merged into them, a name seen."""
    from django.utils import timezone

    from credit.review import services as review
    from credit.subjects.models import Subject, SubjectNameSeen

    one, two, three = (
        Subject.objects.create(
            public_id=f"BADINPUT{n}".ljust(22, "0"),
            kind="sole_trader",
            name="坏输入测试烧烤店",
            name_norm="坏输入测试烧烤店",
            legal_rep="王五",
            verified=False,
            needs_review=True,
        )
        for n in (1, 2, 3)
    )
    merge = review.merge_subjects(Actor.system("测试"), one, three, "坏输入测试")
    company = make_subject("本溪市坏输入改名测试有限公司", code=uscc(737373))
    seen = SubjectNameSeen.objects.create(
        subject=company, name="另一名称", name_norm="另一名称", first_seen_at=timezone.now()
    )
    return {"review_subject": one, "name_seen": seen, "merge": merge, "review_other": two}


def _client(request, role: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if role:
        client.force_login(request.getfixturevalue(role))
    return client


def _send(client: Client, method: str, url: str, data=None, **kwargs):
    """One request inside a rolled-back savepoint."""
    with transaction.atomic():
        response = getattr(client, method)(url, data, **kwargs)
        transaction.set_rollback(True)
    return response


def _failure(label: str, response) -> str:
    reason = ""
    if getattr(response, "exc_info", None):
        reason = f": {response.exc_info[0].__name__}: {response.exc_info[1]}"[:300]
    return f"{label} → {response.status_code}{reason}"


# ---------------------------------------------------------------------------------------
# query strings

SEARCH_FILTERS = ["q", "department", "category", "date_from", "date_to", "subject", "page"]
AUDIT_FILTERS = ["date_from", "date_to", "actor", "action", "object_id", "page"]

RECORD_FILTERS = [
    "dataset",
    "state",
    "decided_from",
    "decided_to",
    "subject",
    "department",
    "page",
    "tab",
]
OBJECTION_FILTERS = [
    "state", "fact_kind", "overdue", "tracking_number", "received_from", "received_to", "page"
]  # fmt: skip

COMMITMENT_FILTERS = [
    "due",
    "state",
    "kind",
    "made_from",
    "made_to",
    "subject",
    "department",
    "page",
]

GET_CASES = [
    (None, "/search/", ["q", "page"]),
    (None, "/publicity/penalties/", SEARCH_FILTERS),
    (None, "/lists/", ["page"]),
    (None, "/lists/samr_serious_violation/", ["page"]),
    (None, "/console/login/", ["next"]),
    ("operator_user", "/console/", ["page"]),
    ("operator_user", "/console/upload/", ["dataset"]),
    ("operator_user", "/console/batches/", ["state", "dataset", "page"]),
    ("operator_user", "/catalog/", ["page"]),
    ("operator_user", "/catalog/penalty/", ["version"]),
    ("operator_user", "/catalog/penalty/template.xlsx", ["version"]),
    ("auditor_user", "/console/audit/changes/", AUDIT_FILTERS),
    ("admin_user", "/console/audit/access/", AUDIT_FILTERS),
    ("operator_user", "/console/checks/", ["page"]),
    ("operator_user", "/console/checks/new/", ["scenario"]),
    ("operator_user", "/console/checks/overdue/", ["page"]),
    ("operator_user", "/console/checks/stats/", ["month"]),
    ("admin_user", "/console/checks/stats/", ["month"]),
    ("operator_user", "/console/checks/{check}/", ["show", "page"]),
    ("auditor_user", "/console/checks/{check}/", ["show", "page"]),
    ("operator_user", "/console/checks/{check}/export.xlsx", ["page"]),
    ("operator_user", "/console/checks/batch/template.xlsx", ["format"]),
    ("operator_user", "/console/lists/", ["state", "page"]),
    ("operator_user", "/console/records/", RECORD_FILTERS),
    ("admin_user", "/console/records/", RECORD_FILTERS),
    ("operator_user", "/console/records/{record}/", ["page"]),
    ("operator_user", "/console/commitments/", COMMITMENT_FILTERS),
    ("admin_user", "/console/commitments/", COMMITMENT_FILTERS),
    (None, "/commitments/", SEARCH_FILTERS),
    ("admin_user", "/console/review/", ["page"]),
    ("admin_user", "/console/objections/", OBJECTION_FILTERS),
    ("operator_user", "/console/objections/", OBJECTION_FILTERS),
    (
        "admin_user",
        "/console/reports/applications/",
        ["state", "overdue", "tracking_number", "received_from", "received_to", "page"],
    ),
    ("admin_user", "/console/review/merges/", ["page"]),
    ("admin_user", "/console/review/subjects/{review_subject}/", ["with", "page"]),
    ("operator_user", "/console/supervision/", ["population", "drawn_from", "drawn_to", "page"]),
    (
        "admin_user",
        "/console/supervision/",
        ["department", "population", "drawn_from", "drawn_to", "page"],
    ),
    ("operator_user", "/console/supervision/new/", ["department", "seed"]),
    ("operator_user", "/console/supervision/{sample}/", ["page"]),
    ("operator_user", "/console/supervision/{sample}/export.xlsx", ["page"]),
    ("operator_user", "/console/repairs/", ["state", "overdue", "subject", "department", "page"]),
    ("admin_user", "/console/repairs/", ["state", "overdue", "subject", "department", "page"]),
    ("operator_user", "/console/repairs/{repair}/", ["page"]),
]


def _needs(url: str) -> list[str]:
    needs = ["catalog"] if url.startswith(("/catalog/", "/publicity/", "/console/upload")) else []
    if "{check}" in url:
        needs.append("check")
    if "{notified}" in url:
        needs.append("notified")
    if "{decided}" in url:
        needs.append("decided")
    if "{record}" in url:
        needs += ["catalog", "record"]
    if "{repair}" in url:
        needs += ["catalog", "repair"]
    if "{repairable}" in url:
        needs += ["catalog", "repairable"]
    needs += [name for name in ("review_subject", "name_seen", "merge") if f"{{{name}}}" in url]
    if "commitments" in url:
        needs += ["catalog", "commitment"] if "{commitment}" in url else ["catalog"]
    if "{sample}" in url:
        needs.append("sample")
    return needs


def _fill(url: str, world) -> str:
    values = {name: world(name).pk for name in _needs(url) if name != "catalog"}
    if "{repair}" in url:
        values["repair"] = world("repair").tracking_number
    if "{repairable}" in url:
        from credit.portal.opaque import record_token

        values["repairable"] = record_token(world("repairable").pk)
    if "{review_subject}" in url:
        values["review_subject"] = world("review_subject").public_id
    return url.format(**values)


@pytest.mark.parametrize(
    "role,url,params", [pytest.param(*case, id=f"{case[1]}-{case[0]}") for case in GET_CASES]
)
def test_query_parameters(request, world, role, url, params):
    for name in _needs(url):
        world(name)
    url = _fill(url, world)
    client = _client(request, role)
    failures = []
    for param in params:
        for name, value in BAD.items():
            response = _send(client, "get", url, {param: value})
            if response.status_code >= 500:
                failures.append(_failure(f"GET {url}?{param}=<{name}>", response))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("page", ["99999999999999999999", "９", "-3", "0"])
def test_search_with_an_absurd_page_answers(client, departments, page):
    """A name search with a page far beyond the results: a page, never a 500 (the page
    number reaches the SQL as OFFSET)."""
    response = client.get("/search/", {"q": "本溪市", "page": page})
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------
# path segments

PATH_CASES = [
    (None, "get", "/subjects/{}/"),
    (None, "get", "/subjects/{}/report.pdf"),
    (None, "get", "/verify/{}"),
    (None, "get", "/publicity/records/{}/"),
    (None, "get", "/publicity/{}/"),
    (None, "get", "/lists/{}/"),
    ("operator_user", "get", "/catalog/{}/"),
    ("operator_user", "get", "/catalog/{}/template.xlsx"),
    ("operator_user", "get", "/console/batches/{}/"),
    ("operator_user", "get", "/console/subjects/{}/"),
    ("operator_user", "get", "/console/batches/{}/report.csv"),
    ("operator_user", "get", "/console/batches/{}/error-rows/"),
    ("operator_user", "get", "/console/checks/{}/"),
    ("operator_user", "get", "/console/checks/{}/export.xlsx"),
    ("operator_user", "post", "/console/checks/{}/feedback/"),
    ("operator_user", "get", "/console/lists/{}/"),
    ("operator_user", "get", "/console/records/{}/"),
    ("operator_user", "post", "/console/records/{}/withdraw/"),
    ("operator_user", "post", "/console/records/{}/correct/"),
    ("operator_user", "get", "/console/supervision/{}/"),
    ("operator_user", "get", "/console/supervision/{}/export.xlsx"),
    ("operator_user", "post", "/console/lists/{}/waive/"),
    ("operator_user", "post", "/console/lists/{notified}/{}/"),
    ("operator_user", "get", "/console/commitments/{}/"),
    ("operator_user", "post", "/console/commitments/{}/"),
    ("admin_user", "get", "/console/review/subjects/{}/"),
    (None, "get", "/objections/new/{}/"),
    (None, "post", "/objections/new/{}/"),
    ("admin_user", "get", "/console/objections/{}/"),
    ("admin_user", "post", "/console/objections/{}/accept/"),
    ("admin_user", "get", "/console/objections/{}/materials/1/"),
    ("admin_user", "post", "/console/review/subjects/{}/decide/"),
    ("admin_user", "post", "/console/review/names/{}/"),
    ("admin_user", "post", "/console/review/merges/{}/undo/"),
    ("operator_user", "get", "/api/v1/evaluations/{}"),
    (None, "get", "/publicity/records/{}/repair/"),
    ("operator_user", "get", "/console/repairs/{}/"),
    ("operator_user", "post", "/console/repairs/{}/accept/"),
    ("operator_user", "post", "/console/repairs/{repair}/{}/"),
    ("operator_user", "get", "/console/repair-notices/record/{}/"),
    ("operator_user", "get", "/console/repair-notices/entry/{}/"),
    (None, "get", "/publicity/records/{}/repair/apply/"),
    (None, "post", "/publicity/records/{}/repair/apply/"),
    (None, "get", "/lists/samr_serious_violation/entries/{}/repair/apply/"),
    (None, "post", "/lists/samr_serious_violation/entries/{}/repair/apply/"),
    ("operator_user", "get", "/console/repairs/{repair}/materials/{}/"),
]


@pytest.mark.parametrize("role,method,url", PATH_CASES)
def test_path_segment(request, world, role, method, url):
    for name in _needs(url):
        world(name)
    client = _client(request, role)
    failures = []
    for name, value in BAD.items():
        target = url.replace("{}", quote(value, safe=""))
        target = _fill(target, world)
        response = _send(client, method, target)
        if response.status_code >= 500:
            failures.append(_failure(f"{method.upper()} {url} with <{name}>", response))
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------
# form posts


def _login_form(world):
    return {"username": "t_scjg", "password": "wrong-password"}


def _upload_form(world):
    world("catalog")
    return {"dataset": "penalty", "policy": "reject_all", "dry_run": "on"}


def _single_check_form(world):
    return {"scenario": "bidding", "purpose": "资格审查", "uscc": uscc(717171)}


def _notify_form(world):
    return {
        "list_type": world("samr_list").pk,
        "subject_kind": "organization",
        "uscc": world("list_company").uscc,
        "notice_number": "本市监告〔2026〕99号",
        "notice_date": (TODAY - dt.timedelta(days=10)).isoformat(),
        "served_how": "直接送达",
        "reasons": "严重违法",
    }


def _enter_form(world):
    return {
        "list_type": world("samr_list").pk,
        "subject_kind": "organization",
        "uscc": world("list_company").uscc,
        "decision_number": "本市监严〔2026〕99号",
        "decision_date": (TODAY - dt.timedelta(days=3)).isoformat(),
        "facts": "事实",
        "basis": "依据",
        "authority_name": "本溪市市场监督管理局",
        "publish_now": "on",
    }


def _prefixed(prefix: str, data: dict) -> dict:
    return {f"{prefix}-{key}": value for key, value in data.items()}


def _waive_form(world):
    return _prefixed(
        "waive",
        {"waived_on": (TODAY - dt.timedelta(days=2)).isoformat(), "document_number": "放弃书1号"},
    )


def _statement_form(world):
    return _prefixed("statement", {"text": "不服", "answer": "经核实维持"})


def _decide_form(world):
    return _prefixed(
        "decide",
        {
            "decision_number": "本市监严〔2026〕98号",
            "decision_date": (TODAY - dt.timedelta(days=1)).isoformat(),
            "facts": "事实",
            "basis": "依据",
            "period_end": "",
            "measures_note": "",
        },
    )


def _withdraw_form(world):
    return _prefixed("withdraw", {"reason": "证据不足"})


def _publish_form(world):
    return _prefixed("publish", {"on": TODAY.isoformat()})


def _remove_form(world):
    return _prefixed("remove", {"kind": "revoked", "reason": "决定被撤销", "on": TODAY.isoformat()})


def _record_withdraw_form(world):
    return {
        "basis": "review",
        "document_number": "本政复决〔2026〕1号",
        "document_date": TODAY.isoformat(),
        "reason": "复议撤销",
    }


def _record_correct_form(world):
    return {"reason": "金额更正", "f_CF_NR": "警告并处罚款3000元"}


def _commitment_verify_form(world):
    # 失信 without its facts and document: never valid, so nothing is written.
    return {"result": "broken", "facts": "", "decision": "", "severity": "一般"}


def _commitment_create_form(world):
    # Without the commitment date: never valid, so nothing is sent to the pipeline.
    return {
        "subject_name": "本溪市坏输入承诺有限公司",
        "subject_kind": "法人及非法人组织",
        "subject_uscc": uscc(717171),
        "kind": "voluntary",
        "made_on": "",
        "matter": "守法经营",
        "reason": "主动承诺",
        "text": "守法诚信经营",
        "public": "on",
    }


def _review_decide_form(world):
    return {
        "action": "distinct",
        "survivor": world("review_subject").public_id,
        "selected": [world("review_subject").public_id],
        "reason": "经核实为不同主体",
    }


def _review_name_form(world):
    return {"decision": "keep", "reason": ""}


def _review_undo_form(world):
    return {"reason": "合并有误"}


def _objection_window_form(world):
    return {
        "fact_kind": "record",
        "doc_number": "本市监罚〔2026〕1号",
        "subject_name": "本溪市某公司",
        "uscc": "",
        "applicant_name": "李四",
        "applicant_phone": "13800000000",
        "applicant_relationship": "legal_rep",
        "reason": "记录有误",
    }


def _repair_window_form(world):
    return {
        **_objection_window_form(world),
        "received_on": "",
        "statement": "罚款已缴清",
        "commitment_accepted": "on",
        "commitment_signed_name": "李四",
    }


def _special_report_application_form(world):
    return {
        "subject_name": "本溪市某公司",
        "uscc": CHECK_SUBJECT_USCC,
        "applicant_name": "李四",
        "applicant_phone": "13800000000",
        "applicant_relationship": "legal_rep",
        "period_from": "2020-09-01",
        "period_to": TODAY.isoformat(),
        "purpose": "政府采购投标",
    }


def _draw_form(world):
    # The operator's department has no licensees here: the draw is refused with its
    # reason, never stored.
    return {
        "department": world("scjg_id"),
        "population": "licensees",
        "subjects": "",
        "seed": "123456",
        "ratio_a": "0.05",
        "ratio_b": "0.1",
        "ratio_c": "0.2",
        "ratio_d": "0.4",
        "ratio_none": "0.1",
    }


# (role, url, baseline form, {field: kind}); a kind of None means only "no 500".
FORM_CASES = [
    (
        None,
        "/reports/special/apply/",
        _special_report_application_form,
        {
            "subject_name": "text",
            "uscc": "text",
            "applicant_name": "text",
            "applicant_phone": "text",
            "applicant_relationship": "choice",
            "agent_name": "text",
            "agent_relationship": "text",
            "period_from": "date",
            "period_to": "date",
            "purpose": "text",
        },
    ),
    (
        None,
        "/applications/status/report.pdf",
        lambda world: {"tracking_number": "BG202601010001", "query_code": "ABCDEFGH23"},
        {"tracking_number": "text", "query_code": "text"},
    ),
    (
        None,
        "/applications/status/",
        lambda world: {"tracking_number": "YY202601010001", "query_code": "ABCDEFGH23"},
        {"tracking_number": "text", "query_code": "text"},
    ),
    (
        "admin_user",
        "/console/objections/window/",
        _objection_window_form,
        {
            "fact_kind": "choice",
            "doc_number": "text",
            "subject_name": "text",
            "uscc": "text",
            "id_number": "text",
            "applicant_name": "text",
            "applicant_phone": "text",
            "applicant_relationship": "choice",
            "agent_name": "text",
            "agent_relationship": "text",
            "reason": "textarea",
        },
    ),
    (None, "/console/login/", _login_form, {"username": "login", "password": "login"}),
    (
        "operator_user",
        "/console/upload/",
        _upload_form,
        {"dataset": "choice", "policy": "choice"},
    ),
    (
        "admin_user",
        "/console/upload/",
        _upload_form,
        {"dataset": "choice", "department": "choice", "policy": "choice"},
    ),
    (
        "operator_user",
        "/console/checks/new/",
        _single_check_form,
        {
            "scenario": "choice",
            "purpose": "text",
            "uscc": "text",
            "id_number": "text",
            "name": "text",
            "region": "text",
        },
    ),
    (
        "operator_user",
        "/console/lists/new/",
        _notify_form,
        {
            "list_type": "choice",
            "subject_kind": "choice",
            "uscc": "uscc",
            "id_number": "uscc",
            "subject_name": "text",
            "notice_number": "text",
            "notice_date": "date",
            "served_how": "text",
            "reasons": "textarea",
        },
    ),
    (
        "operator_user",
        "/console/lists/enter/",
        _enter_form,
        {
            "list_type": "choice",
            "subject_kind": "choice",
            "uscc": "uscc",
            "id_number": "uscc",
            "subject_name": "text",
            "decision_number": "text",
            "decision_date": "date",
            "facts": "textarea",
            "basis": "textarea",
            "period_end": "date",
            "authority_name": "text",
            "publish_now": None,
        },
    ),
    (
        "operator_user",
        "/console/lists/{notified}/statement/",
        _statement_form,
        {"statement-text": "textarea", "statement-answer": "textarea"},
    ),
    (
        "operator_user",
        "/console/lists/{notified}/waive/",
        _waive_form,
        {"waive-waived_on": "date", "waive-document_number": "text"},
    ),
    (
        "operator_user",
        "/console/lists/{notified}/decide/",
        _decide_form,
        {
            "decide-decision_number": "text",
            "decide-decision_date": "date",
            "decide-facts": "textarea",
            "decide-basis": "textarea",
            "decide-period_end": "date",
            "decide-measures_note": "textarea",
        },
    ),
    (
        "operator_user",
        "/console/lists/{notified}/withdraw/",
        _withdraw_form,
        {"withdraw-reason": "textarea"},
    ),
    ("operator_user", "/console/lists/{decided}/publish/", _publish_form, {"publish-on": "date"}),
    (
        "operator_user",
        "/console/lists/{decided}/remove/",
        _remove_form,
        {"remove-kind": "choice", "remove-reason": "textarea", "remove-on": "date"},
    ),
    (
        "operator_user",
        "/console/records/{record}/withdraw/",
        _record_withdraw_form,
        {
            "basis": "choice",
            "document_number": "text",
            "document_date": "date",
            "reason": "textarea",
            "confirm": None,
        },
    ),
    (
        "operator_user",
        "/console/records/{record}/correct/",
        _record_correct_form,
        {"reason": "textarea", "f_CF_NR": "textarea", "f_CF_JDRQ": None, "confirm": None},
    ),
    (
        "operator_user",
        "/console/commitments/{commitment}/",
        _commitment_verify_form,
        {
            "result": "choice",
            "note": "textarea",
            "facts": "textarea",
            "decision": "text",
            "severity": "choice",
        },
    ),
    (
        "operator_user",
        "/console/commitments/new/",
        _commitment_create_form,
        {
            "subject_name": "text",
            "subject_kind": "choice",
            "subject_uscc": "uscc",
            "legal_rep": "text",
            "id_number": "uscc",
            "kind": "choice",
            "made_on": "date",
            "matter": "text",
            "reason": "text",
            "text": "textarea",
            "due_on": "date",
            "public": None,
        },
    ),
    (
        "admin_user",
        "/console/review/subjects/{review_subject}/decide/",
        _review_decide_form,
        {"action": "choice", "survivor": "choice", "selected": None, "reason": "textarea"},
    ),
    (
        "admin_user",
        "/console/review/names/{name_seen}/",
        _review_name_form,
        {"decision": "choice", "reason": "text"},
    ),
    (
        "admin_user",
        "/console/review/merges/{merge}/undo/",
        _review_undo_form,
        {"reason": "textarea"},
    ),
    (
        "operator_user",
        "/console/supervision/new/",
        _draw_form,
        {
            "department": "choice",
            "population": "choice",
            "subjects": "textarea",
            "seed": "text",
            "ratio_a": None,
            "ratio_b": None,
            "ratio_c": None,
            "ratio_d": None,
            "ratio_none": None,
        },
    ),
    (
        "operator_user",
        "/console/repairs/{repair}/reject/",
        lambda world: {"text": "未提供营业执照"},
        {"text": "textarea"},
    ),
    # The public repair form: the baseline's USCC is refused by the service (never stored),
    # so every bad value comes back with its own message and nothing is kept.
    (
        None,
        "/publicity/records/{repairable}/repair/apply/",
        lambda world: {
            "subject_name": "本溪市某公司",
            "uscc": "91210502MA0000001X",
            "applicant_name": "李四",
            "applicant_phone": "13800000000",
            "applicant_relationship": "legal_rep",
            "statement": "罚款已缴清",
            "commitment_accepted": "on",
            "commitment_signed_name": "李四",
        },
        {
            "subject_name": "text",
            "uscc": None,
            "id_number": None,
            "applicant_name": "text",
            "applicant_phone": None,
            "applicant_relationship": "choice",
            "agent_name": "text",
            "agent_phone": None,
            "agent_relationship": "text",
            "statement": "textarea",
            "commitment_accepted": None,
            "commitment_signed_name": "text",
        },
    ),
    (
        "admin_user",
        "/console/repairs/window/",
        _repair_window_form,
        {
            "fact_kind": "choice",
            "doc_number": "text",
            "received_on": "date",
            "subject_name": "text",
            "uscc": "text",
            "id_number": "text",
            "applicant_name": "text",
            "applicant_phone": "text",
            "applicant_relationship": "choice",
            "agent_name": "text",
            "agent_relationship": "text",
            "statement": "textarea",
            "commitment_signed_name": "text",
        },
    ),
]


def _upload_file(url: str) -> dict:
    if url == "/console/upload/":
        return {"file": SimpleUploadedFile("p.csv", "行政相对人名称\n".encode())}
    return {}


@pytest.mark.parametrize(
    "role,url,baseline,fields",
    [pytest.param(*case, id=f"{case[1]}-{case[0]}") for case in FORM_CASES],
)
def test_form_fields(request, world, role, url, baseline, fields):
    for name in _needs(url):
        world(name)
    url = _fill(url, world)
    data = baseline(world)
    client = _client(request, role)
    failures = []
    for field, kind in fields.items():
        for name, value in BAD.items():
            response = _send(client, "post", url, {**data, field: value, **_upload_file(url)})
            label = f"POST {url} {field}=<{name}>"
            if response.status_code >= 500:
                failures.append(_failure(label, response))
                continue
            message = expected_error(kind, name)
            if message is None:
                continue
            if response.status_code in (301, 302) or message not in response.content.decode():
                failures.append(f"{label} → {response.status_code}, no “{message}” on the page")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "role,url,fields",
    [
        ("operator_user", "/console/upload/", {"dataset": "penalty", "policy": "reject_all"}),
        ("operator_user", "/console/checks/batch/", {"scenario": "bidding"}),
    ],
)
@pytest.mark.parametrize("name", ["nul", "escape", "long"])
def test_uploaded_file_name(request, world, role, url, fields, name):
    world("catalog")
    client = _client(request, role)
    filename = BAD[name][:200] + ".csv"
    upload = SimpleUploadedFile(filename, "统一社会信用代码\n".encode())
    response = _send(client, "post", url, {**fields, "file": upload})
    assert response.status_code < 500, _failure(f"POST {url} file name <{name}>", response)


def test_batch_check_form_fields(request, world):
    client = _client(request, "operator_user")
    failures = []
    for field, kind in {"scenario": "choice", "purpose": "text"}.items():
        for name, value in BAD.items():
            upload = SimpleUploadedFile("s.csv", "统一社会信用代码\n".encode())
            data = {"scenario": "bidding", "purpose": "", field: value, "file": upload}
            response = _send(client, "post", "/console/checks/batch/", data)
            label = f"POST /console/checks/batch/ {field}=<{name}>"
            if response.status_code >= 500:
                failures.append(_failure(label, response))
                continue
            message = expected_error(kind, name)
            if message and message not in response.content.decode():
                failures.append(f"{label} → {response.status_code}, no “{message}”")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------
# the feedback form: its field names carry the subject's position and the measure code


def test_feedback_form(request, world):
    check = world("check")
    code = check.answer["items"][0]["measures"][0]["code"]
    url = f"/console/checks/{check.pk}/feedback/"
    client = _client(request, "operator_user")
    failures = []
    for name, value in BAD.items():
        posts = {
            "applied": {f"applied-0-{code}": value},
            "position": {f"applied-{value}-{code}": "yes"},
            "code": {f"applied-0-{value}": "yes"},
            "bare key": {f"applied-{value}": "yes"},
            "reason": {f"applied-0-{code}": "no", f"reason-0-{code}": value},
            "result": {f"applied-0-{code}": "yes", f"result-0-{code}": value},
        }
        for what, data in posts.items():
            # Only the texts need the page after the redirect: the message is on it.
            follow = what in ("reason", "result")
            response = _send(client, "post", url, data, follow=follow)
            label = f"POST {url} {what}=<{name}>"
            if response.status_code >= 500:
                failures.append(_failure(label, response))
                continue
            page = response.content.decode()
            if what in ("reason", "result") and name in CONTROL and CONTROL_MESSAGE not in page:
                failures.append(f"{label}: no “{CONTROL_MESSAGE}”")
            if (
                what in ("reason", "result")
                and name in ("long", "many_digits")
                and "超过" not in page
            ):
                failures.append(f"{label}: a 10,000-character text was accepted")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------
# filters on GET say what was wrong instead of silently showing everything


@pytest.mark.parametrize(
    "role,url,param,value,message",
    [
        ("auditor_user", "/console/audit/changes/", "date_to", "9999-12-31", DATE_RANGE),
        ("auditor_user", "/console/audit/access/", "date_from", "2026-02-30", INVALID_DATE),
        (None, "/publicity/penalties/", "date_from", "0001-01-01", DATE_RANGE),
        ("operator_user", "/console/checks/stats/", "month", "9999-12", "月份格式应为"),
    ],
)
def test_filter_errors_are_shown(request, world, role, url, param, value, message):
    world("catalog")
    response = _client(request, role).get(url, {param: value})
    assert response.status_code == 200
    assert message in response.content.decode()
