"""Notice API: a system pulls its notices by cursor and registers its push address."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema

from credit.accounts.apiauth import api_auth, require_scope
from credit.api_docs import json_example
from credit.notices import queries, services, webhooks

router = Router(tags=["撤回通知"], auth=api_auth)
SCOPE = "notices:read"


class ErrorOut(Schema):
    code: str
    message: str


class ProblemOut(Schema):
    field: str = Field(..., description="出错的字段；空表示整个请求")
    loc: list[Any]
    type: str | None = None
    message: str


class InvalidRequestOut(ErrorOut):
    details: list[ProblemOut] = Field(..., description="每处问题一条")


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidRequestOut}


class PageIn(Schema):
    after: int = Field(
        0, ge=0, le=10**15, description="游标：上次收到的最后一条通知的 cursor，首次为 0"
    )
    limit: int = Field(100, ge=1, le=queries.PAGE_MAX, description="每页条数（1–500）")


class NoticesOut(Schema):
    notices: list[dict[str, Any]]
    next_after: int = Field(..., description="下一次请求使用的游标")
    has_more: bool = Field(..., description="是否还有更多通知")


class WebhookIn(Schema):
    url: str = Field(
        ...,
        max_length=500,
        description="回调地址（http 或 https）；空字符串表示取消推送",
    )


class WebhookOut(Schema):
    url: str
    secret: str = Field(..., description="签名密钥，只在登记时返回一次，请妥善保存")
    message: str


NOTICE_EXAMPLE = {
    "id": "6f1c2b7e-3d4a-4e7b-9a51-2f0c8d9e1a22",
    "cursor": 42,
    "time": "2026-12-20T09:30:05+08:00",
    "kind": "withdrawn",
    "kind_label": "撤回",
    "changed_at": "2026-12-20T09:30:01+08:00",
    "fact": {
        "type": "record",
        "dataset": "penalty",
        "dataset_name": "行政处罚",
        "document_number": "本市监罚〔2026〕901号",
        "subject_id": "Q2h8xK3mP0aZ7vB1nT5cY9",
        "subject_name": "本溪市测试商贸有限公司",
    },
    "change": "该记录已于 2026-12-20 撤回",
    "via": "check",
    "check_ids": [1201, 1388],
}


@router.get(
    "/notices",
    response={200: NoticesOut, **ERRORS},
    summary="按游标读取撤回通知",
    description="返回本系统（或本部门）曾经获取过的信用记录、名单条目发生撤回、更正、信用修复、"
    "异议标注或撤销标注、公示期满时的通知，按 cursor 递增排序。把上次收到的最后一条的 cursor "
    "作为 after 再次请求即可续读；通知 id 唯一，重复收到可按 id 去重。需要权限范围 notices:read。",
    openapi_extra={
        "responses": {
            "200": {
                "content": {
                    "application/json": {
                        "example": {
                            "notices": [NOTICE_EXAMPLE],
                            "next_after": 42,
                            "has_more": False,
                        }
                    }
                }
            }
        }
    },
)
def pull(request, params: Query[PageIn]):
    require_scope(request, SCOPE)
    rows, more = queries.page_after(request.actor, params.after, params.limit)
    return {
        "notices": [webhooks.body_of(n) for n in rows],
        "next_after": rows[-1].seq if rows else params.after,
        "has_more": more,
    }


@router.put(
    "/notices/webhook",
    response={200: WebhookOut, **ERRORS},
    summary="登记撤回通知的回调地址",
    description="登记后平台按 cursor 顺序逐条 POST 通知（JSON，与拉取接口的单条通知相同），"
    "请求头 X-Credit-Timestamp 为 Unix 秒，X-Credit-Signature 为 sha256=HMAC-SHA256(密钥, "
    '时间戳 + "." + 请求体) 的十六进制值；2xx 视为收到，否则按退避重试，前一条未收到时后续通知'
    "等待。只支持 http/https，不能指向内网地址（白名单除外）。登记前的通知请用拉取接口读取。"
    "需要权限范围 notices:read。",
    openapi_extra=json_example({"url": "https://approval.example.gov.cn/credit/notices"}),
)
def register_webhook(request, body: WebhookIn):
    require_scope(request, SCOPE)
    secret = services.set_webhook(request.actor, body.url)
    url = body.url.strip()
    return {
        "url": url,
        "secret": secret,
        "message": "回调地址已登记" if url else "已取消推送，请使用拉取接口读取通知",
    }
