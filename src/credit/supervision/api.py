"""双随机 sampling API (scope evaluations:read): draw a sample, read it, export it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from ninja import Field, Router, Schema
from pydantic import BaseModel

from credit.accounts.apiauth import api_auth, require_scope
from credit.accounts.models import Scope
from credit.api_docs import json_example
from credit.supervision import services
from credit.supervision.export import stratum_rows
from credit.supervision.models import Population, SampleDraw, Stratum
from credit.supervision.sampling import STRATA

router = Router(tags=["分级分类监管"], auth=api_auth)
SCOPE = Scope.EVALUATIONS_READ
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SampleIn(BaseModel):
    department: int | None = Field(
        None, description="抽查部门编号；缺省为调用方所属部门。信用办可为任一部门抽取"
    )
    population: str = Field(
        "licensees",
        max_length=16,
        description="抽查范围：licensees（本部门行政许可相对人）、graded（全部已评价主体）、"
        "listed（subjects 中指定的主体）",
    )
    subjects: list[str] = Field(
        default_factory=list,
        max_length=services.MAX_LISTED,
        description="population 为 listed 时的主体：统一社会信用代码或主体公开标识",
    )
    ratios: dict[str, Any] = Field(
        default_factory=dict,
        description="各等级抽查比例（0 到 1），键为 A、B、C、D、none（未评价）；缺省的等级用信用办设定的比例",
    )
    seed: str | None = Field(
        None, max_length=40, description="随机种子；缺省时平台随机生成并在结果中返回"
    )


class ErrorOut(Schema):
    code: str
    message: str


class SampleOut(Schema):
    id: int
    department: dict[str, Any]
    population: dict[str, str]
    seed: str
    rounding: str
    ratios: dict[str, str]
    strata: list[dict[str, Any]]
    population_size: int
    drawn_size: int
    created_at: str
    drawn_by: str
    subjects: list[dict[str, Any]]


class ProblemOut(Schema):
    field: str = Field(..., description="出错的字段，如 ratios；空表示整个请求体")
    loc: list[Any]
    type: str | None = None
    message: str


class InvalidRequestOut(ErrorOut):
    details: list[ProblemOut] = Field(..., description="每处问题一条")


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidRequestOut}
SAMPLE_EXAMPLE = {
    "population": "listed",
    "subjects": ["91210502MA00000012", "91210502MA00000021"],
    "ratios": {"A": 0.05, "B": 0.1, "C": 0.2, "D": 0.4, "none": 0.1},
    "seed": "20260315",
}


def sample_out(record: SampleDraw) -> dict:
    return {
        "id": record.pk,
        "department": {"id": record.department_id, "name": record.department.name},
        "population": {
            "code": record.population,
            "name": Population(record.population).label,
            "note": record.population_note,
        },
        "seed": record.seed,
        "rounding": record.rounding,
        "ratios": {s: record.ratios.get(s, "0") for s in STRATA},
        "strata": [
            {
                "grade": row["stratum"],
                "name": row["label"],
                "population": row["population"],
                "ratio": record.ratios.get(row["stratum"], "0"),
                "drawn": row["drawn"],
            }
            for row in stratum_rows(record)
        ],
        "population_size": record.population_size,
        "drawn_size": record.drawn_size,
        "created_at": record.created_at.isoformat(),
        "drawn_by": record.actor_label,
        "subjects": [
            {
                "position": s.position,
                "name": s.subject_name,
                "uscc": s.subject_uscc,
                "public_id": s.subject.public_id,
                "grade": None if s.stratum == Stratum.NONE else s.stratum,
                "grade_name": Stratum(s.stratum).label,
                "score": None if s.score is None else float(s.score),
                "valid_from": s.valid_from.isoformat() if s.valid_from else None,
                "model_version": s.model_version,
                "reasons": s.reasons,
            }
            for s in record.drawn.select_related("subject").order_by("position")
        ],
    }


@router.post(
    "/samples",
    response={200: SampleOut, **ERRORS},
    summary="双随机抽取检查对象",
    description="按公共信用综合评价等级分层抽取检查对象（分级分类监管）：每个等级抽取数 = 向上取整"
    "（该等级主体数 × 抽查比例），比例大于 0 且该等级有主体时至少抽 1 户；尚无评价结果的主体单列为"
    "“未评价”（none）。同一范围、比例和随机种子总是抽出同样的主体。抽取结果连同抽取人、时间、"
    "种子保存并写入操作日志。部门只能为本部门抽取。需要权限范围 evaluations:read。",
    openapi_extra=json_example(SAMPLE_EXAMPLE),
)
def create_sample(request, body: SampleIn):
    require_scope(request, SCOPE)
    record = services.draw_sample(
        request.actor,
        department_id=body.department,
        population_kind=body.population,
        ratios=body.ratios,
        seed=body.seed,
        subjects=body.subjects,
    )
    return sample_out(record)


@router.get(
    "/samples/{sample_id}",
    response={200: SampleOut, **ERRORS},
    summary="查看抽查结果",
    description="一次双随机抽取的范围、比例、种子、分级数量和抽中主体（含抽取时的信用等级和评价理由）；"
    "只能查看本部门的抽查，每次查看写入查询日志。需要权限范围 evaluations:read。",
)
def get_sample(request, sample_id: int):
    require_scope(request, SCOPE)
    return sample_out(services.read_draw(request.actor, sample_id))


@router.get(
    "/samples/{sample_id}/xlsx",
    response=ERRORS,
    summary="导出抽查结果（Excel）",
    description="抽中主体的名称、统一社会信用代码、信用等级和评价理由，Excel 文件；每次导出写入查询日志。"
    "需要权限范围 evaluations:read。",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Excel 文件（抽查信息、分级数量、抽中主体）",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_sample(request, sample_id: int):
    require_scope(request, SCOPE)
    name, data = services.export_draw(request.actor, sample_id)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
