"""The workbench with Django's test client: login, upload, batch pages, reports."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook

from credit.collection import queries
from credit.collection.models import Batch, BatchState
from credit.core.actors import Actor
from tests.collection.samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db

# Fixed, so that xdist workers collect the same test ids.
SOME_ID = uuid.UUID("0b0e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b")


def _upload(client, path, **fields):
    with open(path, "rb") as fh:
        data = {"dataset": "penalty", "policy": "reject_all", "file": fh, **fields}
        return client.post("/console/upload/", data)


def _only_batch(user) -> Batch:
    batches = list(queries.batches_for(Actor.for_user(user)))
    assert len(batches) == 1
    return batches[0]


@pytest.mark.parametrize(
    "url",
    [
        "/console/",
        "/console/upload/",
        "/console/batches/",
        f"/console/batches/{SOME_ID}/",
        f"/console/batches/{SOME_ID}/report.xlsx",
        f"/console/batches/{SOME_ID}/error-rows/",
    ],
)
def test_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/console/login/?next={url[:9]}")


def test_login_page_logs_in_and_logout_is_post_only(client, operator_user, user_password):
    page = client.get("/console/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="zh-CN">' in html and "工作人员登录" in html
    bad = client.post("/console/login/", {"username": "t_scjg", "password": "wrong-password"})
    assert "用户名或密码不正确" in bad.content.decode()
    ok = client.post("/console/login/", {"username": "t_scjg", "password": user_password})
    assert ok.status_code == 302 and ok["Location"] == "/console/"
    assert client.get("/console/logout/").status_code == 405
    out = client.post("/console/logout/")
    assert out.status_code == 302 and out["Location"] == "/console/login/"
    assert client.get("/console/").status_code == 302


def test_nav_shows_audit_and_admin_by_role(login, operator_user, auditor_user, admin_user):
    html = login(operator_user).get("/console/").content.decode()
    assert "本溪市市场监督管理局" in html and "工作台首页" in html
    assert "/console/audit/changes/" not in html and 'href="/admin/"' not in html
    html = login(auditor_user).get("/console/").content.decode()
    assert "/console/audit/changes/" in html and 'href="/admin/"' not in html
    html = login(admin_user).get("/console/").content.decode()
    assert "/console/audit/changes/" in html and 'href="/admin/"' in html


def test_nav_offers_checks_to_all_and_lists_to_all_but_auditors(
    login, operator_user, auditor_user, admin_user
):
    for user in (operator_user, admin_user):
        html = login(user).get("/console/").content.decode()
        assert '<a href="/console/checks/">信用核查</a>' in html
        assert '<a href="/console/lists/">名单管理</a>' in html
    # Auditors read the checks (read only) but manage no lists.
    html = login(auditor_user).get("/console/").content.decode()
    assert '<a href="/console/checks/">信用核查</a>' in html
    assert 'href="/console/lists/"' not in html


def test_upload_page_lists_datasets_with_template_links(login, operator_user, catalog):
    html = login(operator_user).get("/console/upload/").content.decode()
    assert '<option value="penalty"' in html
    assert "/catalog/penalty/template.xlsx" in html and 'href="/catalog/penalty/"' in html
    assert "有错误行则整批退回" in html and "仅退回错误行" in html
    # An operator reports for their own department only: no department choice.
    assert 'name="department"' not in html


def test_upload_valid_gb18030_csv_completes(login, operator_user, catalog, tmp_path):
    client = login(operator_user)
    path = write_csv(tmp_path / "处罚.csv", [penalty_row(1), penalty_row(2)], encoding="gb18030")
    response = _upload(client, path)
    batch = _only_batch(operator_user)
    assert response.status_code == 302
    assert response["Location"] == f"/console/batches/{batch.public_id}/"
    assert batch.state == BatchState.DONE and batch.new_rows == 2
    assert batch.department == operator_user.department
    html = client.get(response["Location"]).content.decode()
    assert "已完成" in html
    assert "<dt>新增</dt><dd>2</dd>" in html and "<dt>错误</dt><dd>0</dd>" in html
    assert f"/console/batches/{batch.public_id}/report.xlsx" in html
    assert 'hx-trigger="every 2s"' not in html  # finished: no polling
    # The dashboard counts it.
    home = client.get("/console/").content.decode()
    assert "<dt>累计新增记录</dt><dd>2</dd>" in home and "处罚.csv" in home


def test_row_errors_are_listed_with_row_column_code(login, operator_user, catalog, tmp_path):
    client = login(operator_user)
    rows = [penalty_row(1), penalty_row(2, **{"处罚决定日期": "不是日期"})]
    path = write_csv(tmp_path / "p.csv", rows)
    response = _upload(client, path, policy="reject_failed_rows")
    batch = _only_batch(operator_user)
    assert (batch.new_rows, batch.error_rows) == (1, 1)
    html = client.get(response["Location"]).content.decode()
    assert "错误明细" in html and "<code>date_format</code>" in html
    assert '<td class="num">3</td>' in html  # the spreadsheet row of the bad line


def test_file_with_wrong_headers_is_rejected_with_chinese_reason(
    login, operator_user, catalog, tmp_path
):
    client = login(operator_user)
    path = tmp_path / "bad.csv"
    path.write_text("甲,乙\n1,2\n", encoding="gb18030")
    response = _upload(client, path)
    batch = _only_batch(operator_user)
    assert batch.state == BatchState.REJECTED
    html = client.get(response["Location"]).content.decode()
    assert "已退回" in html and "文件无法处理" in html


def test_wrong_file_type_shows_form_error(login, operator_user, catalog, tmp_path):
    client = login(operator_user)
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    response = _upload(client, path)
    assert response.status_code == 200
    assert "文件格式不支持，请上传 CSV 或 XLSX 文件" in response.content.decode()
    assert not Batch.objects.exists()


def test_service_error_is_shown_on_the_form(login, operator_user, catalog, tmp_path):
    """A second upload while one is running is refused by the service, not with a 500."""
    from credit.catalog import queries as catalog_queries
    from credit.collection import liveness

    version = catalog_queries.current_version("penalty")
    running = Batch.objects.create(
        dataset_id=version.dataset_id,
        dataset_version=version,
        department=operator_user.department,
        source="upload",
        state=BatchState.VALIDATING,
        active_key=f"{operator_user.department_id}:{version.dataset_id}",
    )
    hold = liveness.claim(running)  # running: a live process holds it
    client = login(operator_user)
    try:
        response = _upload(client, write_csv(tmp_path / "p.csv", [penalty_row(1)]))
    finally:
        hold.release()
    assert response.status_code == 200
    assert "已有批次正在处理" in response.content.decode()


def test_active_batch_polls_with_htmx_and_without_js(login, operator_user, catalog):
    from credit.catalog import queries as catalog_queries

    version = catalog_queries.current_version("penalty")
    batch = Batch.objects.create(
        dataset_id=version.dataset_id,
        dataset_version=version,
        department=operator_user.department,
        source="upload",
        state=BatchState.VALIDATING,
        processed_rows=500,
        total_rows=500,
    )
    client = login(operator_user)
    html = client.get(f"/console/batches/{batch.public_id}/").content.decode()
    status_url = f"/console/batches/{batch.public_id}/status/"
    assert f'hx-get="{status_url}"' in html and 'hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh"' in html
    assert "/static/vendor/htmx/htmx.min.js" in html and "校验中" in html
    partial = client.get(status_url, HTTP_HX_REQUEST="true")
    assert "已处理 500 行" in partial.content.decode() and "HX-Refresh" not in partial
    assert "<html" not in partial.content.decode()
    Batch.objects.filter(pk=batch.pk).update(state=BatchState.DONE)
    done = client.get(status_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and 'hx-trigger="every 2s"' not in done.content.decode()


def test_other_departments_batch_is_refused(
    login, operator_user, other_operator, catalog, tmp_path
):
    _upload(login(operator_user), write_csv(tmp_path / "p.csv", [penalty_row(1)]))
    batch = _only_batch(operator_user)
    client = login(other_operator)
    for suffix in ("", "status/", "report.xlsx", "report.csv", "error-rows/"):
        response = client.get(f"/console/batches/{batch.public_id}/{suffix}")
        assert response.status_code == 404
        assert "批次不存在或无权查看" in response.content.decode()
    listing = client.get("/console/batches/").content.decode()
    assert str(batch.public_id) not in listing and "暂无批次记录" in listing


def test_admin_sees_every_department_and_may_upload_for_one(
    login, admin_user, operator_user, sthj, catalog, tmp_path
):
    _upload(login(operator_user), write_csv(tmp_path / "p.csv", [penalty_row(1)]))
    client = login(admin_user)
    page = client.get("/console/upload/").content.decode()
    assert 'name="department"' in page
    response = _upload(client, write_csv(tmp_path / "q.csv", [penalty_row(5)]), department=sthj.pk)
    assert response.status_code == 302
    listing = client.get("/console/batches/").content.decode()
    assert "本溪市市场监督管理局" in listing and "本溪市生态环境局" in listing


def test_batch_list_filters(login, operator_user, catalog, tmp_path):
    client = login(operator_user)
    client.get(_upload(client, write_csv(tmp_path / "ok.csv", [penalty_row(1)]))["Location"])
    bad = tmp_path / "bad.csv"
    bad.write_text("甲,乙\n1,2\n", encoding="utf-8")
    client.get(_upload(client, bad)["Location"])  # shows (and so clears) the upload message
    done = client.get("/console/batches/?state=done").content.decode()
    assert "ok.csv" in done and "bad.csv" not in done
    rejected = client.get("/console/batches/?state=rejected&dataset=penalty").content.decode()
    assert "bad.csv" in rejected and "ok.csv" not in rejected
    assert "licence" in client.get("/console/batches/").content.decode()  # dataset filter choice
    assert "暂无批次记录" in client.get("/console/batches/?dataset=licence").content.decode()


def test_report_downloads(login, operator_user, catalog, tmp_path):
    client = login(operator_user)
    rows = [penalty_row(1), penalty_row(2, **{"处罚决定日期": "x"})]
    _upload(client, write_csv(tmp_path / "p.csv", rows), policy="reject_failed_rows")
    batch = _only_batch(operator_user)
    xlsx = client.get(f"/console/batches/{batch.public_id}/report.xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    assert "filename*=utf-8''" in xlsx["Content-Disposition"].lower()
    assert "%E5%A4%84%E7%90%86%E6%8A%A5%E5%91%8A" in xlsx["Content-Disposition"]  # 处理报告
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    results = [row[-4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert results == ["新增", "错误"]
    csv = client.get(f"/console/batches/{batch.public_id}/report.csv")
    assert csv.status_code == 200 and csv["Content-Disposition"].endswith(".csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "新增" in text and "错误" in text


def test_report_of_a_running_batch_redirects_with_message(login, operator_user, catalog):
    from credit.catalog import queries as catalog_queries

    version = catalog_queries.current_version("penalty")
    batch = Batch.objects.create(
        dataset_id=version.dataset_id,
        dataset_version=version,
        department=operator_user.department,
        source="upload",
        state=BatchState.LOADING,
    )
    client = login(operator_user)
    response = client.get(f"/console/batches/{batch.public_id}/report.csv", follow=True)
    assert response.redirect_chain[-1][0] == f"/console/batches/{batch.public_id}/"
    assert "批次尚未处理完成" in response.content.decode()


def test_error_pages_render_in_chinese(rf):
    from django.template.loader import render_to_string

    assert "系统暂时无法处理您的请求" in render_to_string("500.html")
    assert "页面不存在" in render_to_string("404.html", request=rf.get("/x"))
    assert "无权访问" in render_to_string("403.html", request=rf.get("/x"))


def test_batch_list_paginates(login, operator_user, catalog):
    from credit.catalog import queries as catalog_queries

    version = catalog_queries.current_version("penalty")
    Batch.objects.bulk_create(
        Batch(
            dataset_id=version.dataset_id,
            dataset_version=version,
            department=operator_user.department,
            source="upload",
            filename=f"f{n}.csv",
            state=BatchState.DONE,
        )
        for n in range(25)
    )
    client = login(operator_user)
    first = client.get("/console/batches/?state=done").content.decode()
    assert "第 1 页，共 2 页（25 条）" in first
    assert 'href="?state=done&amp;page=2"' in first
    second = client.get("/console/batches/?state=done&page=2").content.decode()
    assert second.count('class="state state-done"') == 5
