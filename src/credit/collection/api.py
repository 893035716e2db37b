"""Collection API: file batches, their status and reports, and JSON pushes."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import FileResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from credit.accounts import permissions
from credit.accounts.apiauth import api_auth, require_scope
from credit.accounts.models import Department
from credit.api_docs import json_example
from credit.collection import api_examples, queries, reports, services, storage
from credit.collection.models import Batch, Policy, Source
from credit.core.apitypes import CleanStr
from credit.core.errors import NotFound

router = Router(tags=["数据归集"], auth=api_auth)


class ErrorOut(Schema):
    row: int | None
    column: str
    code: str
    message: str


class BatchOut(Schema):
    id: UUID
    dataset: str
    department: str
    state: str
    state_label: str
    message: str
    policy: str
    dry_run: bool
    total_rows: int
    processed_rows: int
    error_rows: int
    new_rows: int
    updated_rows: int
    unchanged_rows: int
    late_rows: int
    received_at: Any
    finished_at: Any = None
    errors: list[ErrorOut] = []
    report_xlsx: str
    report_csv: str
    error_rows_file: str = Field(
        "",
        description="错误行重新上报文件（只含错误行，原格式、原表头、完整内容）的下载地址；"
        "仅上报单位可下载，没有可重新上报的错误行时为空",
    )
    notice: str = Field("", description="需要报送单位注意的情况（如后台处理进程未运行）")


class ItemResult(Schema):
    index: int
    result: str
    errors: list[ErrorOut]


class PushIn(Schema):
    dataset: CleanStr
    policy: Literal["reject_all", "reject_failed_rows"] = "reject_all"
    dry_run: bool = False
    items: list[dict[str, Any]]


class PushOut(Schema):
    batch: BatchOut
    items: list[ItemResult]


def _department(request, uscc: str | None) -> Department:
    actor = request.actor
    if uscc and actor.is_credit_admin:
        department = Department.objects.filter(uscc=uscc.strip().upper()).first()
        if department is None:
            raise NotFound(f"未知的报送单位：{uscc}")
        return department
    if actor.department_id is None:
        raise NotFound("当前身份未关联报送单位")
    return Department.objects.get(pk=actor.department_id)


def batch_out(batch: Batch, errors_limit: int = 100, actor=None) -> dict:
    base = f"/api/v1/batches/{batch.public_id}/report"
    offered = (
        actor is not None
        and batch.error_rows > 0
        and batch.state not in queries.ACTIVE_STATES
        and not storage.is_json(batch)
        and permissions.can_download_error_rows(actor, batch)
    )
    return {
        "id": batch.public_id,
        "dataset": batch.dataset.code,
        "department": batch.department.name,
        "state": batch.state,
        "state_label": batch.get_state_display(),
        "message": batch.message,
        "policy": batch.policy,
        "dry_run": batch.dry_run,
        "total_rows": batch.total_rows,
        "processed_rows": batch.processed_rows,
        "error_rows": batch.error_rows,
        "new_rows": batch.new_rows,
        "updated_rows": batch.updated_rows,
        "unchanged_rows": batch.unchanged_rows,
        "late_rows": batch.late_rows,
        "received_at": batch.received_at,
        "finished_at": batch.finished_at,
        "errors": [
            {"row": e.row, "column": e.column, "code": e.code, "message": e.message}
            for e in queries.batch_errors(batch, errors_limit)
        ],
        "report_xlsx": f"{base}?format=xlsx",
        "report_csv": f"{base}?format=csv",
        "error_rows_file": f"/api/v1/batches/{batch.public_id}/error-rows" if offered else "",
        "notice": queries.worker_notice(batch),
    }


@router.post(
    "/batches",
    response={202: BatchOut},
    summary="上传数据文件（异步处理）",
    description="以 multipart/form-data 上传按信息目录模板填写的 CSV 或 XLSX 文件，立即返回批次"
    "（状态“排队中”）；随后用“查询批次状态”查看处理结果，用“下载批次处理报告”取得逐行结果。"
    "reject_all：任一行有错则整批退回；reject_failed_rows：只退回有错的行。dry_run=true 只校验不入库。"
    "需要权限范围 records:write。\n\n" + api_examples.UPLOAD_CURL,
    openapi_extra={
        "requestBody": {"content": {"multipart/form-data": {"example": api_examples.UPLOAD}}}
    },
)
def upload_batch(
    request,
    file: UploadedFile = File(...),
    dataset: str = Form(..., description="信息事项代码，见信息目录页面（/catalog/）的“代码”列"),
    policy: Literal["reject_all", "reject_failed_rows"] = Form("reject_all"),
    dry_run: bool = Form(False),
    department: str | None = Form(None, description="报送单位代码（仅信用办管理员可指定）"),
):
    require_scope(request, permissions.SCOPE_RECORDS_WRITE)
    batch = services.submit_file(
        request.actor,
        dataset_code=dataset,
        department=_department(request, department),
        fileobj=file,
        filename=file.name or "upload.csv",
        policy=policy,
        dry_run=dry_run,
        source=Source.API_FILE,
    )
    batch.refresh_from_db()
    return Status(202, batch_out(batch, actor=request.actor))


@router.get(
    "/batches/{batch_id}",
    response=BatchOut,
    summary="查询批次状态",
    description="批次的处理状态、行数统计和前 100 条错误（行号、列名、问题）。"
    "只能查询本单位的批次。需要权限范围 records:write。",
)
def get_batch(request, batch_id: str):
    require_scope(request, permissions.SCOPE_BATCHES)
    return batch_out(queries.get_batch(request.actor, batch_id), actor=request.actor)


@router.get(
    "/batches/{batch_id}/report",
    summary="下载批次处理报告",
    description="逐行的处理结果（新增、更新、未变、错误及说明），format 为 xlsx 或 csv。"
    "批次处理完成后才有报告。需要权限范围 records:write。",
)
def batch_report(request, batch_id: str, format: Literal["xlsx", "csv"] = "xlsx"):
    require_scope(request, permissions.SCOPE_BATCHES)
    batch = queries.get_batch(request.actor, batch_id)
    path = services.download_report(request.actor, batch, format)
    return FileResponse(
        open(path, "rb"), as_attachment=True, filename=services.report_filename(batch, format)
    )


@router.get(
    "/batches/{batch_id}/error-rows",
    summary="下载错误行重新上报文件",
    description="只含有错误的行，保持上传文件的格式（CSV 或 XLSX）、表头和完整内容（含完整证件号码），"
    "修正后可直接重新上传。仅上报该批次的单位可下载，每次下载记入访问日志。"
    "没有错误行或文件整体未能处理时返回 409，源文件已按保存期限删除时返回 410。",
)
def batch_error_rows(request, batch_id: str):
    require_scope(request, permissions.SCOPE_BATCHES)
    batch = queries.get_batch(request.actor, batch_id)
    handle, name = services.error_rows_file(request.actor, batch)
    return FileResponse(handle, as_attachment=True, filename=name)


@router.post(
    "/records",
    response=PushOut,
    summary="推送记录（JSON，逐条返回结果）",
    description="以 JSON 推送信息事项的记录（字段名为信息目录中的中文字段名），同步处理并逐条返回"
    "结果（新增、更新、未变、错误）及每条的错误。单次条数有上限，超过请分批推送。"
    "需要权限范围 records:write。",
    openapi_extra=json_example(api_examples.PUSH),
)
def push_records(request, payload: PushIn):
    require_scope(request, permissions.SCOPE_RECORDS_WRITE)
    batch = services.submit_rows(
        request.actor,
        dataset_code=payload.dataset,
        department=_department(request, None),
        items=payload.items,
        policy=payload.policy or Policy.REJECT_ALL,
        dry_run=payload.dry_run,
    )
    written, messages, _ = reports.row_outcomes(batch)
    by_row: dict = {}
    for e in queries.batch_errors(batch, None):
        by_row.setdefault(e.row, []).append(
            {"row": e.row, "column": e.column, "code": e.code, "message": e.message}
        )
    items = [
        {
            "index": index - 1,
            "result": reports.outcome_for(batch, index, written, messages),
            "errors": by_row.get(index, []) + by_row.get(None, []),
        }
        for index in range(1, len(payload.items) + 1)
    ]
    return {"batch": batch_out(batch, actor=request.actor), "items": items}
