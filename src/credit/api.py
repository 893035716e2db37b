"""The HTTP API: one NinjaAPI that mounts each app's router."""

from decimal import Decimal
from functools import wraps
from inspect import iscoroutinefunction

import orjson
from django.http import HttpResponseNotAllowed
from django.urls import URLPattern
from ninja import NinjaAPI, Swagger
from ninja.renderers import BaseRenderer

from credit.api_errors import install_error_handlers


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump()
    raise TypeError(type(value).__name__)


class ChineseJSONRenderer(BaseRenderer):
    """orjson: fast, and Chinese stays readable UTF-8 instead of \\u escapes."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


class ChineseSwagger(Swagger):
    """ninja's Swagger UI page plus a local script putting Swagger UI's own buttons and
    headings into Chinese (templates/api/swagger.html, static/api/swagger-zh.js)."""

    template = "api/swagger.html"


class CreditAPI(NinjaAPI):
    """NinjaAPI whose wrong-method answers are JSON like every other API error, and whose
    OpenAPI description is built per request (`credit.api_docs`).

    django-ninja answers a method no operation of the path accepts with a plain-text
    "Method not allowed" from inside its path view, without raising anything an exception
    handler could catch; wrapping the URL callbacks is the one place to reach it.
    """

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        from credit import api_docs

        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return api_docs.finish(schema)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            # Every API view is synchronous; an async one would need an async wrapper.
            if isinstance(pattern, URLPattern) and not iscoroutinefunction(pattern.callback):
                pattern.callback = _json_method_not_allowed(self, pattern.callback)
        return patterns, app_name, namespace


def _json_method_not_allowed(target: NinjaAPI, view):
    @wraps(view)  # keeps csrf_exempt, which ninja sets on its views
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            # ninja joins a set: sorted, the header is the same on every call.
            allowed = sorted(m.strip() for m in response["Allow"].split(",") if m.strip())
            response = target.create_response(
                request,
                {
                    "code": "method_not_allowed",
                    "message": f"不支持该请求方法（允许：{'、'.join(allowed)}）",
                },
                status=405,
            )
            response["Allow"] = ", ".join(allowed)
        return response

    return wrapper


api = CreditAPI(
    renderer=ChineseJSONRenderer(),
    title="信用本溪 信用信息共享平台接口",
    version="1.0.0",
    # Replaced in each openapi.json by credit.api_docs.description() (codes from the database).
    description="数据归集、共享与信用核查接口。认证方式：Authorization: Bearer <令牌>。",
    urls_namespace="api",
    # The page's JS and CSS come from ninja's own copy of Swagger UI through staticfiles
    # ("ninja" is in INSTALLED_APPS); without a validator URL Swagger UI would fetch a
    # badge from validator.swagger.io, which a closed government network cannot reach.
    docs=ChineseSwagger(settings={"validatorUrl": None}),
)


install_error_handlers(api)


def _mount() -> None:
    from credit.checks.api import router as checks_router
    from credit.collection.api import router as collection_router
    from credit.collection.dept_api import router as dept_records_router
    from credit.evaluation.api import router as evaluation_router
    from credit.notices.api import router as notices_router
    from credit.objections.api import router as objections_router
    from credit.portal.api import router as portal_router
    from credit.portal.objection_api import router as public_objections_router
    from credit.portal.repairs_api import router as repairs_public_router
    from credit.records.api import router as sharing_router
    from credit.repairs.api import router as repairs_router
    from credit.reports.api import router as reports_router
    from credit.supervision.api import router as supervision_router

    api.add_router("/", collection_router)
    api.add_router("/", dept_records_router)
    api.add_router("/public", portal_router)
    api.add_router("/public", reports_router)
    api.add_router("/", checks_router)
    api.add_router("/shared", sharing_router)
    api.add_router("/", notices_router)
    api.add_router("/", evaluation_router)
    api.add_router("/public", repairs_public_router)
    api.add_router("/", repairs_router)
    api.add_router("/public", public_objections_router)
    api.add_router("/", objections_router)
    from credit.commitments.api import router as commitments_router

    api.add_router("/", commitments_router)
    api.add_router("/", supervision_router)


_mount()
