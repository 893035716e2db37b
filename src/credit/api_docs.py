"""What the API docs (/api/v1/docs, /api/v1/openapi.json) tell a calling system.

The description is built for each request of openapi.json, so the scenario and dataset
codes it lists are those in the database (a static list would go stale as the credit office
adds scenarios), and the rate limits and token lifetime those configured. Error codes and
scopes are listed from the code that uses them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError

from credit.accounts.models import Scope

# The routes each scope opens (the handlers call require_scope with it).
SCOPE_ROUTES: dict[str, list[str]] = {
    Scope.RECORDS_WRITE: [
        "POST /api/v1/batches",
        "GET /api/v1/batches/{batch_id}",
        "GET /api/v1/batches/{batch_id}/report",
        "POST /api/v1/records",
    ],
    Scope.RECORDS_READ: ["GET /api/v1/shared/subjects/{key}/records"],
    Scope.OBJECTIONS_HANDLE: [
        "GET /api/v1/objections",
        "GET /api/v1/objections/{objection_id}",
        "POST /api/v1/objections/{objection_id}/accept",
        "POST /api/v1/objections/{objection_id}/reject",
        "POST /api/v1/objections/{objection_id}/self-check",
        "POST /api/v1/objections/{objection_id}/verify",
    ],
    Scope.CHECKS_RUN: [
        "POST /api/v1/checks",
        "GET /api/v1/checks/{check_id}",
        "POST /api/v1/checks/{check_id}/feedback",
        "GET /api/v1/checks/overdue",
        "GET /api/v1/checks/stats",
    ],
    Scope.NOTICES_READ: ["GET /api/v1/notices", "PUT /api/v1/notices/webhook"],
    Scope.EVALUATIONS_READ: [
        "GET /api/v1/evaluations/{uscc}",
        "POST /api/v1/samples",
        "GET /api/v1/samples/{sample_id}",
        "GET /api/v1/samples/{sample_id}/xlsx",
    ],
    Scope.REPAIRS_DECIDE: [
        "GET /api/v1/repairs",
        "GET /api/v1/repairs/{tracking_number}",
        "POST /api/v1/repairs/{tracking_number}/accept",
        "POST /api/v1/repairs/{tracking_number}/reject",
        "POST /api/v1/repairs/{tracking_number}/extend",
        "POST /api/v1/repairs/{tracking_number}/decide",
        "POST /api/v1/repairs/{tracking_number}/revoke",
    ],
}
SCOPE_ROUTES[Scope.COMMITMENTS_WRITE] = [
    "GET /api/v1/commitments",
    "GET /api/v1/commitments/{commitment_id}",
    "POST /api/v1/commitments",
    "POST /api/v1/commitments/{commitment_id}/verify",
]

# (code, HTTP status, meaning). Every error answer is {"code", "message"}: the message says
# in Chinese what was wrong (which field, which row); the code is for programs.
ERROR_CODES: list[tuple[str, int, str]] = [
    (
        "unauthorized",
        401,
        "身份认证失败：未携带令牌、令牌无效、已吊销或已过期（过期时提示“令牌已过期”）",
    ),
    ("scope_required", 403, "令牌所属系统没有该接口所需的权限范围"),
    ("permission_denied", 403, "无权执行此操作（如访问其他单位的数据）"),
    ("forbidden", 403, "无权访问该接口"),
    ("not_found", 404, "未找到请求的资源（批次、核查、主体、信息事项等）"),
    ("method_not_allowed", 405, "不支持该请求方法，响应头 Allow 列出允许的方法"),
    ("invalid_request", 422, "请求参数不正确；details 逐条列出字段（field）和问题（message）"),
    ("invalid_json", 400, "请求体不是有效的 JSON（指出行、列）"),
    ("bad_request", 400, "请求不正确"),
    ("too_large", 413, "请求体过大"),
    ("rate_limited", 429, "访问过于频繁；响应头 Retry-After 给出需等待的秒数"),
    ("too_many_requests", 429, "请求过于频繁，请稍后再试"),
    ("server_error", 500, "服务器内部错误，请稍后重试并提供响应头 X-Request-ID"),
    ("unknown_scenario", 400, "未知的业务场景代码（见上文“业务场景代码”）"),
    ("purpose_required", 422, "未填写核查事由"),
    ("no_subjects", 400, "没有核查主体"),
    ("too_many_subjects", 400, "一次核查的主体过多"),
    ("invalid_feedback", 400, "反馈有误，未保存任何一条；message 逐条说明"),
    ("no_feedback", 400, "请至少提供一条反馈"),
    ("invalid_month", 400, "月份格式应为 YYYY-MM"),
    ("empty", 400, "推送的请求中没有记录"),
    ("too_many", 400, "单次推送的记录过多，请分批推送"),
    ("bad_item", 400, "每条记录必须是以字段名为键的 JSON 对象"),
    ("bad_policy", 400, "未知的处理策略"),
    ("batch_active", 409, "本单位该信息事项已有批次正在处理"),
    ("not_finished", 409, "批次尚未处理完成，暂无处理报告"),
]

# Chinese for ninja's English response descriptions ("OK", …), by status.
RESPONSE_DESCRIPTIONS = {
    "200": "成功",
    "201": "已创建",
    "202": "已接收，后台异步处理",
    "400": "请求不正确",
    "401": "身份认证失败",
    "403": "无权访问",
    "404": "未找到",
    "405": "不支持该请求方法",
    "409": "与当前状态冲突",
    "413": "请求体过大",
    "422": "请求参数不正确",
    "429": "访问过于频繁",
    "503": "服务暂不可用",
}


# Shown in Swagger UI's 授权 dialog, by the scheme names ninja gives the auth classes.
SCHEME_DESCRIPTIONS = {
    "TokenAuth": "调用系统的令牌（信用办签发，形如 cbx_<令牌标识>_<密钥>），填入时不含 Bearer 前缀。",
    "StaffSessionAuth": "已登录工作台的工作人员会话（浏览器自动携带，无需填写）。",
}


def _codes(model_path: str, **filters) -> list[tuple[str, str]]:
    """(code, name) rows of a catalog table, read now; none if the table cannot be read
    (the docs must still render, e.g. before migrations)."""
    from django.apps import apps

    model = apps.get_model(model_path)
    try:
        return list(model.objects.filter(**filters).values_list("code", "name"))
    except DatabaseError:
        return []


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _per_minute(limit: int) -> str:
    return "不限" if limit <= 0 else f"每分钟 {limit} 次"


def description() -> str:
    days = settings.CREDIT_API_TOKEN_DAYS
    lifetime = f"默认有效期 {days} 天" if days > 0 else "默认不过期"
    scopes = dict(Scope.choices)
    scenarios = _codes("measures.Scenario", active=True)
    datasets = _codes("catalog.Dataset")
    parts = [
        "信用本溪信用信息共享平台的数据归集、共享与信用核查接口。"
        "所有请求和响应均为 UTF-8 编码的 JSON（上传文件除外）。",
        "## 如何获取令牌",
        "1. 调用单位向信用办申请，说明调用系统名称、所属部门和需要的权限范围；\n"
        "2. 信用办在管理后台“接口调用系统”中登记该系统，并点击“签发新令牌”。"
        f"令牌{lifetime}，只在签发时显示一次，平台只保存其摘要；遗失或泄露时由信用办吊销并重新签发；\n"
        "3. 调用时在请求头中携带：`Authorization: Bearer cbx_<令牌标识>_<密钥>`；\n"
        "4. 令牌到期前信用办会看到到期提醒并签发新令牌；使用已过期的令牌时接口返回 401，"
        "message 为“身份认证失败：令牌已过期，请联系信用办重新签发”。\n\n"
        "在本页试用：点击“授权”，在 TokenAuth 的“值”中填入令牌（不含 Bearer 前缀）。"
        "已登录工作台的工作人员也可直接试用，按其角色授权。",
        "## 权限范围",
        _table(
            ("权限范围", "说明", "可调用的接口"),
            [
                (f"`{scope}`", scopes[scope], "<br>".join(f"`{r}`" for r in routes))
                for scope, routes in SCOPE_ROUTES.items()
            ],
        )
        + "\n\n公开查询接口（`/api/v1/public/…`）无需令牌。",
        "## 业务场景代码（发起信用核查的 scenario）",
        _table(("代码", "名称"), [(f"`{c}`", n) for c, n in scenarios])
        if scenarios
        else "（当前没有启用的业务场景）",
        "## 信息事项代码（上报数据的 dataset）",
        _table(("代码", "名称"), [(f"`{c}`", n) for c, n in datasets])
        if datasets
        else "（当前没有信息事项）",
        "## 访问频率限制",
        _table(
            ("调用方式", "限制"),
            [
                (
                    "携带令牌（按令牌计数）",
                    _per_minute(settings.CREDIT_RATE_LIMIT_TOKEN_PER_MINUTE),
                ),
                (
                    "不带令牌，含公开查询接口（按来源地址计数）",
                    _per_minute(settings.CREDIT_RATE_LIMIT_PER_MINUTE),
                ),
            ],
        )
        + "\n\n超过限制时返回 429（`rate_limited`），响应头 `Retry-After` 为需等待的秒数。",
        "## 错误码",
        '出错时响应体为 `{"code": "错误码", "message": "中文说明"}`；'
        "请求参数错误（422）另有 `details` 逐条列出。",
        _table(
            ("错误码", "HTTP 状态", "含义"),
            [(f"`{code}`", status, meaning) for code, status, meaning in ERROR_CODES],
        ),
        "每个响应都带 `X-Request-ID`（平台生成的请求标识），咨询问题时请提供。",
    ]
    return "\n\n".join(parts)


def finish(schema: dict[str, Any]) -> dict[str, Any]:
    """The generated schema with the description of now and Chinese response texts."""
    schema["info"]["description"] = description()
    schemes = schema.get("components", {}).get("securitySchemes", {})
    for name, text in SCHEME_DESCRIPTIONS.items():
        if name in schemes:
            schemes[name]["description"] = text
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            if "responses" in operation:
                operation["responses"] = _one_key_per_status(operation["responses"])
            for status, response in operation.get("responses", {}).items():
                # ninja keys responses by int status; JSON makes them strings.
                chinese = RESPONSE_DESCRIPTIONS.get(str(status))
                if chinese and not _has_cjk(response.get("description")):
                    response["description"] = chinese
    return schema


def _one_key_per_status(responses: dict) -> dict:
    """ninja keys a route's responses by int status, while `openapi_extra` (examples,
    headers) can only say "200": both would be written as the same JSON key, and Swagger UI
    refuses a document with a duplicate key. The two are merged, the extra's keys last."""
    merged: dict[str, Any] = {}
    for status, response in sorted(responses.items(), key=lambda kv: isinstance(kv[0], str)):
        key = str(status)
        merged[key] = _deep_merge(merged.get(key, {}), response)
    return merged


def _deep_merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _has_cjk(text: str | None) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text or "")


def json_example(example: Any) -> dict:
    """openapi_extra giving a JSON request body its example (Swagger's 示例值)."""
    return {"requestBody": {"content": {"application/json": {"example": example}}}}
