"""The collection pipeline end to end on real files (GB18030 CSV, XLSX, JSON)."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.collection import errors, reports, services
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.records.models import Record, RecordHistory
from credit.subjects.models import Subject

from .samples import penalty_row, person_penalty_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def errors_of(batch):
    return list(batch.errors.order_by("row", "id").values_list("row", "column", "code"))


def test_gb18030_csv_with_chinese_headers_imports(scjg, run_file, tmp_path):
    path = write_csv(tmp_path / "处罚.csv", [penalty_row(i) for i in range(1, 4)], "gb18030")
    batch = run_file(scjg, path)
    assert batch.state == BatchState.DONE, batch.message
    assert batch.encoding == "gb18030"
    assert (batch.total_rows, batch.new_rows, batch.error_rows) == (3, 3, 0)
    record = Record.objects.get(doc_number="本市监罚〔2026〕2号")
    assert record.subject.name == "本溪市测试商贸有限公司2"
    assert record.subject.kind == "organization"
    assert record.data["CF_NR_FK"] == "0.2"
    assert record.department == scjg


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_csv_with_and_without_bom(scjg, run_file, tmp_path, encoding):
    path = write_csv(tmp_path / "p.csv", [penalty_row(1)], encoding)
    batch = run_file(scjg, path)
    assert batch.state == BatchState.DONE
    assert batch.encoding == encoding


def test_xlsx_with_exchange_code_headers(scjg, run_file, tmp_path):
    from credit.catalog import queries

    fields = queries.fields_of(queries.current_version("penalty"))
    to_code = {f.label: f.code for f in fields}
    path = write_xlsx(tmp_path / "p.xlsx", [penalty_row(i) for i in range(1, 3)], to_code)
    batch = run_file(scjg, path)
    assert batch.state == BatchState.DONE, batch.message
    assert batch.file_format == "xlsx"
    assert batch.new_rows == 2


def test_reimport_is_a_noop_and_change_makes_a_version(scjg, run_file, tmp_path):
    rows = [penalty_row(i) for i in range(1, 4)]
    first = run_file(scjg, write_csv(tmp_path / "a.csv", rows))
    again = run_file(scjg, write_csv(tmp_path / "b.csv", rows))
    assert (again.new_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 3)
    assert Record.objects.count() == 3 and RecordHistory.objects.count() == 0
    # Full-width brackets in the document number are the same decision.
    rows[0]["行政处罚决定书文号"] = "本市监罚[2026]1号"
    rows[0]["违法事实"] = "销售不合格产品（更正）"
    changed = run_file(scjg, write_csv(tmp_path / "c.csv", rows))
    assert (changed.new_rows, changed.updated_rows, changed.unchanged_rows) == (0, 1, 2)
    record = Record.objects.get(doc_key__contains="(2026)1号")
    assert record.version_no == 2
    assert record.data["CF_SY"] == "销售不合格产品（更正）"
    old = RecordHistory.objects.get(record=record)
    assert old.version_no == 1 and old.data["CF_SY"] == "销售不合格产品"
    assert old.batch_id == first.id


def test_each_kind_of_bad_row_has_its_code(scjg, run_file, tmp_path):
    future = (dt.date.today() + dt.timedelta(days=10)).strftime("%Y/%m/%d")
    rows = [
        penalty_row(1),
        penalty_row(2, **{"行政相对人名称": ""}),
        penalty_row(3, **{"行政相对人代码_1（统一社会信用代码）": "91210502MA00000019"}),
        penalty_row(4, **{"处罚决定日期": "2026/02/30"}),
        penalty_row(5, **{"处罚决定日期": future}),
        penalty_row(6, **{"处罚类别": "罚款", "罚款金额（万元）": ""}),
        penalty_row(7, **{"行政相对人类别": "公司"}),
        penalty_row(8, **{"罚款金额（万元）": "两千"}),
        penalty_row(9, **{"数据来源单位统一社会信用代码": "11210500MB1544210P"}),
        penalty_row(10, **{"行政处罚决定书文号": "本市监罚〔2026〕1号"}),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "bad.csv", rows))
    assert batch.state == BatchState.REJECTED
    assert Record.objects.count() == 0 and Subject.objects.count() == 0
    found = {(row, code) for row, _col, code in errors_of(batch)}
    assert found == {
        (3, errors.REQUIRED),
        (4, errors.IDENTIFIER),
        (5, errors.DATE_FORMAT),
        (6, errors.DATE_FUTURE),
        (7, errors.REQUIRED_WHEN),
        (8, errors.ENUM_VALUE),
        (9, errors.DECIMAL_FORMAT),
        (10, errors.SOURCE_MISMATCH),
        (11, errors.DUPLICATE_KEY),
    }
    columns = dict(((row, code), col) for row, col, code in errors_of(batch))
    assert columns[(4, errors.IDENTIFIER)] == "行政相对人代码_1（统一社会信用代码）"
    assert columns[(7, errors.REQUIRED_WHEN)] == "罚款金额（万元）"
    # The report repeats every row with its result and a Chinese explanation.
    rows_out = list(reports.iter_report_rows(batch))
    assert rows_out[0][-4:] == ["结果", "说明", "报送工作日", "是否超期"]
    assert rows_out[1][-4] == "未处理"
    assert rows_out[3][-4] == "错误" and "校验位" in rows_out[3][-3]
    assert "与第 2 行重复" in rows_out[10][-3]


def test_reject_failed_rows_keeps_the_good_ones(scjg, run_file, tmp_path):
    rows = [penalty_row(1), penalty_row(2, **{"处罚决定日期": "昨天"}), penalty_row(3)]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows), policy="reject_failed_rows")
    assert batch.state == BatchState.DONE
    assert (batch.new_rows, batch.error_rows) == (2, 1)
    results = [r[-4] for r in reports.iter_report_rows(batch)][1:]
    assert results == ["新增", "错误", "新增"]


def test_dry_run_stores_nothing(scjg, run_file, tmp_path):
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", [penalty_row(1)]), dry_run=True)
    assert batch.state == BatchState.DONE and batch.new_rows == 1
    assert Record.objects.count() == 0 and Subject.objects.count() == 0


def test_unknown_and_missing_headers_are_named(scjg, run_file, tmp_path):
    row = penalty_row(1)
    del row["处罚决定日期"]
    row["备用列"] = "x"
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", [row]))
    assert batch.state == BatchState.REJECTED
    messages = " ".join(batch.errors.values_list("message", flat=True))
    assert "未知的列「备用列」" in messages
    assert "缺少必填列：处罚决定日期" in messages


@pytest.mark.parametrize("nul_line", [1, 3])
def test_csv_with_nul_characters_is_refused_with_the_line(scjg, run_file, tmp_path, nul_line):
    # NUL means UTF-16 or a binary file; PostgreSQL could not store it and the upload
    # used to end in a 500.
    path = write_csv(tmp_path / "p.csv", [penalty_row(1), penalty_row(2)])
    lines = path.read_bytes().split(b"\n")
    lines[nul_line - 1] = lines[nul_line - 1].replace(b",", b"\x00,", 1)
    path.write_bytes(b"\n".join(lines))
    batch = run_file(scjg, path)
    assert batch.state == BatchState.REJECTED
    assert errors_of(batch) == [(nul_line, "", errors.FILE_ENCODING)]
    assert f"第 {nul_line} 行含有空字符" in batch.errors.get().message
    assert not Record.objects.exists()


def test_header_brackets_and_spaces_are_tolerated(scjg, run_file, tmp_path):
    row = penalty_row(1)
    row["行政相对人代码_1 (统一社会信用代码)"] = row.pop("行政相对人代码_1（统一社会信用代码）")
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", [row]))
    assert batch.state == BatchState.DONE, batch.message


def test_person_id_number_encrypted_and_linked_by_digest(scjg, run_file, tmp_path):
    from credit.core import fieldcrypto

    rows = [
        person_penalty_row(1),
        person_penalty_row(
            2,
            **{
                "行政处罚决定书文号": "本市监罚〔2026〕99号",
                "证件号码": person_penalty_row(1)["证件号码"],
            },
        ),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows))
    assert batch.state == BatchState.DONE, list(batch.errors.values_list("message", flat=True))
    people = Subject.objects.filter(kind="person")
    assert people.count() == 1  # same ID number → same subject
    person = people.get()
    clear = rows[0]["证件号码"]
    assert clear not in person.id_cipher and fieldcrypto.decrypt_id(person.id_cipher) == clear
    record = Record.objects.filter(subject=person).first()
    assert clear not in str(record.data)
    assert person.region_code == clear[:6]


def test_name_only_rows_never_merge(scjg, run_file, tmp_path):
    rows = [
        penalty_row(
            1,
            **{
                "行政相对人类别": "个体工商户",
                "行政相对人代码_1（统一社会信用代码）": "",
                "行政相对人名称": "明山区老王烧烤店",
            },
        ),
        penalty_row(
            2,
            **{
                "行政相对人类别": "个体工商户",
                "行政相对人代码_1（统一社会信用代码）": "",
                "行政相对人名称": "明山区老王烧烤店",
            },
        ),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows))
    assert batch.state == BatchState.DONE, batch.message
    subjects = Subject.objects.filter(name="明山区老王烧烤店")
    assert subjects.count() == 2
    assert all(not s.verified and s.needs_review for s in subjects)
    again = run_file(scjg, write_csv(tmp_path / "q.csv", rows))
    assert (
        again.unchanged_rows == 2 and Subject.objects.filter(name="明山区老王烧烤店").count() == 2
    )


def test_a_file_never_renames_a_subject(scjg, sthj, run_file, tmp_path):
    """Issue 11, item 2: one row with a company's code and another name used to rename the
    company on the public portal. The record keeps the name as given; the subject keeps its
    name, goes to review, and the batch says so on the row without failing it."""
    run_file(scjg, write_csv(tmp_path / "a.csv", [penalty_row(1)]))
    code = penalty_row(1)["行政相对人代码_1（统一社会信用代码）"]
    other = penalty_row(
        1,
        **{
            "行政相对人名称": "本溪市冒名改名有限公司",
            "行政处罚决定书文号": "本市监罚〔2026〕500号",
        },
    )
    # A dry run says what would happen and changes nothing.
    dry = run_file(scjg, write_csv(tmp_path / "dry.csv", [other]), dry_run=True)
    subject = Subject.objects.get(uscc=code)
    assert subject.name == "本溪市测试商贸有限公司1" and not subject.needs_review
    assert "不一致" in dry.message
    (note,) = dry.errors.filter(code="name_mismatch")
    assert note.row == 2 and "本溪市测试商贸有限公司1" in note.message

    batch = run_file(scjg, write_csv(tmp_path / "b.csv", [other]))
    assert batch.state == BatchState.DONE and batch.new_rows == 1 and batch.error_rows == 0
    assert batch.message.startswith("全部入库") and "主体名称未修改" in batch.message
    subject.refresh_from_db()
    assert subject.name == "本溪市测试商贸有限公司1" and subject.needs_review
    assert not subject.former_names.exists()
    record = Record.objects.get(batch=batch)
    assert record.subject_id == subject.pk and record.data["CF_XDR_MC"] == "本溪市冒名改名有限公司"

    # The report keeps the row's result and names the registered name.
    rows = list(reports.iter_report_rows(batch))
    header, row = rows[0], rows[1]
    result = dict(zip(header, row, strict=False))
    assert result["结果"] == "新增"
    assert "本溪市测试商贸有限公司1" in result["说明"] and "主体名称未修改" in result["说明"]


def test_a_name_written_differently_is_not_a_mismatch(scjg, run_file, tmp_path):
    run_file(
        scjg,
        write_csv(
            tmp_path / "a.csv", [penalty_row(1, **{"行政相对人名称": "本溪市某(集团)有限公司"})]
        ),
    )
    same = penalty_row(
        1,
        **{
            "行政相对人名称": "本溪市某（集团） 有限公司",
            "行政处罚决定书文号": "本市监罚〔2026〕501号",
        },
    )
    batch = run_file(scjg, write_csv(tmp_path / "b.csv", [same]))
    assert batch.message == "全部入库" and not batch.errors.exists()


def test_late_records_are_flagged(scjg, run_file, tmp_path):
    old = dt.date.today() - dt.timedelta(days=60)
    batch = run_file(
        scjg, write_csv(tmp_path / "p.csv", [penalty_row(1, decided=old), penalty_row(2)])
    )
    assert batch.late_rows == 1
    late = Record.objects.get(is_late=True)
    assert late.workdays_to_receipt > 7


def test_another_department_cannot_overwrite(scjg, sthj, run_file, tmp_path):
    run_file(scjg, write_csv(tmp_path / "a.csv", [penalty_row(1)]))
    row = penalty_row(
        1,
        **{
            "数据来源单位": "本溪市生态环境局",
            "数据来源单位统一社会信用代码": sthj.uscc,
            "违法事实": "改写",
        },
    )
    batch = run_file(sthj, write_csv(tmp_path / "b.csv", [row]))
    assert batch.state == BatchState.REJECTED
    assert errors_of(batch)[0][2] == errors.KEY_CONFLICT
    assert Record.objects.get().data["CF_SY"] == "销售不合格产品"


def test_operator_cannot_upload_for_another_department(
    scjg, sthj, run_file, tmp_path, operator_user
):
    from credit.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_file(
            sthj,
            write_csv(tmp_path / "a.csv", [penalty_row(1)]),
            actor=Actor.for_user(operator_user),
        )


def test_one_active_batch_per_department_and_dataset(scjg, catalog, tmp_path):
    from credit.core.errors import ServiceError

    path = write_csv(tmp_path / "a.csv", [penalty_row(1)])
    services._create(
        Actor.system(),
        dataset_code="penalty",
        department=scjg,
        filename="a.csv",
        policy="reject_all",
        dry_run=False,
        source="cli",
    )
    with pytest.raises(ServiceError) as exc:
        services.submit_file(
            Actor.system(),
            dataset_code="penalty",
            department=scjg,
            fileobj=path,
            filename="a.csv",
            run_now=True,
        )
    assert exc.value.code == "batch_active"


def test_killed_job_leaves_nothing_and_batch_reruns(scjg, run_file, tmp_path, monkeypatch):
    """A crash inside the load transaction (as if the worker died) stores nothing."""
    from credit.records import upsert

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    path = write_csv(tmp_path / "a.csv", [penalty_row(i) for i in range(1, 4)])
    monkeypatch.setattr(upsert, "apply", crash)
    batch = run_file(scjg, path)
    assert batch.state == BatchState.FAILED
    assert Record.objects.count() == 0 and Subject.objects.count() == 0
    monkeypatch.undo()
    rerun = services.rerun(Actor.system(), batch)
    rerun.refresh_from_db()
    assert rerun.state == BatchState.DONE and rerun.new_rows == 3


def test_row_numbers_follow_the_spreadsheet_with_multiline_cells(scjg, run_file, tmp_path):
    rows = [
        penalty_row(1, **{"违法事实": "第一行\n第二行"}),
        penalty_row(2, **{"处罚决定日期": "2026/02/30"}),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows))
    assert errors_of(batch) == [(3, "处罚决定日期", errors.DATE_FORMAT)]


def test_file_in_mixed_encodings_is_refused_with_the_row(scjg, run_file, tmp_path):
    path = write_csv(tmp_path / "p.csv", [penalty_row(i) for i in range(1, 4)], "utf-8")
    data = path.read_bytes()
    # Somebody pasted a GB18030 row into a UTF-8 file, beyond the part read to detect it.
    filler = penalty_row(9, **{"备注": "说明" * 400_000})
    path.write_bytes(
        data
        + ",".join(filler.values()).encode("utf-8")
        + b"\r\n"
        + ",".join(penalty_row(10).values()).encode("gb18030")
        + b"\r\n"
    )
    batch = run_file(scjg, path)
    assert batch.state == "rejected"
    assert batch.errors.get().code == errors.FILE_ENCODING
    assert "文件编码不一致" in batch.message
    assert Record.objects.count() == 0
