"""The report round trip in a browser (issue 11): upload a file with errors, download the
error-rows file from the batch page, correct it, upload it again: every row is stored."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from credit.audit.models import AccessLog
from credit.collection.models import Batch
from credit.records.models import Record
from tests.browser_support import SHOTS, needs_chromium
from tests.collection.samples import person_id, person_penalty_row, write_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

DATE = "处罚决定日期"


def test_upload_with_errors_download_error_rows_fix_and_upload_again(
    scjg, operator_user, user_password, tmp_path, live_server, browser
):
    call_command("load_catalog", verbosity=0)
    rows = [
        person_penalty_row(1),
        person_penalty_row(2, **{DATE: "昨天"}),
        person_penalty_row(3),
        person_penalty_row(4, **{"罚款金额（万元）": "abc"}),
    ]
    source = write_csv(tmp_path / "处罚数据.csv", rows)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + "/console/login/")
    page.get_by_label("用户名").fill(operator_user.username)
    page.get_by_label("密码").fill(user_password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/console/")

    def upload(path) -> None:
        page.goto(live_server.url + "/console/upload/")
        page.select_option("select[name=dataset]", "penalty")
        page.set_input_files("input[type=file]", str(path))
        page.get_by_label("仅退回错误行").check()
        page.get_by_role("button", name="上传并处理").click()
        page.wait_for_url("**/console/batches/*/")
        page.get_by_role("heading", name="处理报告").wait_for(timeout=30_000)

    upload(source)
    link = page.get_by_role("link", name="下载错误行重新上报文件")
    link.wait_for()
    assert "2 行有错误未入库" in page.content()
    page.screenshot(path=str(SHOTS / "round_trip_1_batch_with_errors.png"), full_page=True)

    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename == "处罚数据_错误行重新上报.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    got = list(csv.reader(io.StringIO(saved.read_bytes().decode("gb18030"))))
    assert got[0] == list(rows[0]) and len(got) == 3
    assert got[1][got[0].index("证件号码")] == person_id(2)  # in full: it can be corrected
    assert AccessLog.objects.filter(resource="collection.error_rows").count() == 1

    # The department corrects the two rows and uploads the file as it is.
    got[1][got[0].index(DATE)] = rows[0][DATE]
    got[2][got[0].index("罚款金额（万元）")] = "0.5"
    with open(saved, "w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows(got)
    upload(saved)
    assert "全部入库" in page.content()
    assert page.get_by_role("link", name="下载错误行重新上报文件").count() == 0
    page.screenshot(path=str(SHOTS / "round_trip_2_corrected_upload.png"), full_page=True)
    assert Record.objects.filter(department=scjg).count() == 4
    assert list(Batch.objects.order_by("id").values_list("new_rows", "error_rows")) == [
        (2, 2),
        (2, 0),
    ]
    context.close()
