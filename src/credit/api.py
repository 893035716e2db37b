"""The HTTP API: one NinjaAPI that mounts each app's router."""

from decimal import Decimal

import orjson
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.renderers import BaseRenderer

from credit.accounts.apiauth import UNAUTHORIZED_BODY
from credit.core.errors import ServiceError


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


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="信用本溪 信用信息共享平台接口",
    version="1.0.0",
    description="数据归集、共享与信用核查接口。认证方式：Authorization: Bearer <令牌>。",
    urls_namespace="api",
)


def install_error_handlers(target: NinjaAPI) -> None:
    """Every error leaves the API as {"code", "message"} with a Chinese message."""

    @target.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        return target.create_response(
            request, {"code": exc.code, "message": exc.message}, status=exc.status
        )

    @target.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return target.create_response(
            request,
            {"code": "invalid_request", "message": "请求参数不正确", "details": exc.errors},
            status=422,
        )

    @target.exception_handler(AuthenticationError)
    def authentication_error(request, exc: AuthenticationError):
        response = target.create_response(request, UNAUTHORIZED_BODY, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response


install_error_handlers(api)


def _mount() -> None:
    from credit.collection.api import router as collection_router
    from credit.measures.api import router as checks_router
    from credit.portal.api import router as portal_router
    from credit.records.api import router as sharing_router

    api.add_router("/", collection_router)
    api.add_router("/public", portal_router)
    api.add_router("/", checks_router)
    api.add_router("/shared", sharing_router)


_mount()
