"""Every error leaves the API as {"code", "message"} with a Chinese message: service
errors, pydantic's validation errors (worded in Chinese by their type, with the field path
a caller reads), a body that is not JSON, authentication and ninja's HTTP errors."""

import json
import re

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from credit.accounts.apiauth import unauthorized_body
from credit.core.errors import ServiceError

_CJK = re.compile(r"[\u3400-\u9fff]")


def _chinese(text: str) -> bool:
    return bool(_CJK.search(text))


# Sources of request data, the first element of ninja's error locations.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}

_DATE = "日期，格式 YYYY-MM-DD"
_DATETIME = "日期时间，格式 YYYY-MM-DDTHH:MM:SS"
_BOOL = "布尔值 true 或 false"
# pydantic error type → what the value should have been.
_EXPECTED = {
    "string_type": "字符串",
    "string_sub_type": "字符串",
    "string_unicode": "UTF-8 字符串",
    "bytes_type": "字符串",
    "int_type": "整数",
    "int_parsing": "整数",
    "int_from_float": "整数",
    "float_type": "数字",
    "float_parsing": "数字",
    "decimal_type": "数字",
    "decimal_parsing": "数字",
    "bool_type": _BOOL,
    "bool_parsing": _BOOL,
    "list_type": "数组",
    "tuple_type": "数组",
    "set_type": "数组",
    "frozen_set_type": "数组",
    "dict_type": "对象",
    "model_type": "对象",
    "model_attributes_type": "对象",
    "dataclass_type": "对象",
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME,
    "time_type": "时间，格式 HH:MM:SS",
    "time_parsing": "时间，格式 HH:MM:SS",
    "uuid_type": "UUID",
    "uuid_parsing": "UUID",
    "url_type": "网址",
    "url_parsing": "网址",
    "json_type": "JSON 字符串",
    "none_required": "null",
}
# pydantic error type → message with the limit from the error's ctx.
_LIMITS = {
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "string_too_short": "长度至少为 {min_length} 个字符",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "bytes_too_short": "长度至少为 {min_length} 个字节",
    "bytes_too_long": "长度不能超过 {max_length} 个字节",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "decimal_max_digits": "数字不能超过 {max_digits} 位",
    "decimal_max_places": "小数不能超过 {decimal_places} 位",
    "decimal_whole_digits": "整数部分不能超过 {whole_digits} 位",
}
_FIXED = {
    "missing": "缺少必填字段",
    "missing_argument": "缺少必填字段",
    "missing_keyword_only_argument": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "unexpected_keyword_argument": "不允许的字段",
    "json_invalid": "不是有效的 JSON",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing_size": "数值超出允许范围",
    "finite_number": "应为有限的数值",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "datetime_past": "应为过去的时间",
    "datetime_future": "应为将来的时间",
}


def _allowed(expected: str) -> str:
    """pydantic words the choices as "'a', 'b' or 'c'"."""
    choices = re.findall(r"'((?:[^'\\]|\\.)*)'", expected) or re.split(r", | or ", expected)
    return "、".join(choices)


def _problem(error: dict) -> str:
    """A Chinese sentence for one pydantic error (its English `msg` is never shown)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _FIXED:
        return _FIXED[kind]
    if kind in _EXPECTED:
        return f"类型不正确（应为{_EXPECTED[kind]}）"
    if kind in _LIMITS:
        try:
            return _LIMITS[kind].format(**ctx)
        except (KeyError, IndexError):
            pass
    if kind in ("enum", "literal_error") and ctx.get("expected"):
        return f"取值不在允许范围内（允许：{_allowed(str(ctx['expected']))}）"
    if kind in ("value_error", "assertion_error"):
        # A validator of ours words its own message in Chinese; a library's is English.
        reason = str(ctx.get("error", ""))
        if _chinese(reason):
            return reason
    return "取值不正确"


def _where(loc) -> tuple[list, str]:
    """The location without ninja's repetition, and the field path people read.

    ninja prefixes pydantic's location with the data source, and reads a single body
    parameter as {parameter name: body}, so a body field arrives as ("body", "body",
    "subjects", 0, "uscc"); the parameter name is the code's, not the caller's.
    """
    loc = list(loc)
    source = loc[0] if loc and loc[0] in _SOURCES else None
    path = loc[1:] if source else loc
    if source == "body" and path:
        path = path[1:]
    field = ".".join(str(part) for part in path)
    return ([source] if source else []) + path, field


def _validation_body(errors: list[dict]) -> dict:
    details = []
    for error in errors:
        loc, field = _where(error.get("loc", ()))
        message = _problem(error)
        if not field and error.get("type") == "missing":
            message = "缺少请求体（应为 JSON 对象）"
        details.append({"field": field, "loc": loc, "type": error.get("type"), "message": message})
    first = details[0] if details else None
    message = "请求参数不正确"
    if first:
        # A message about the body as a whole already names it.
        where = first["field"] or ("" if first["message"].startswith("缺少请求体") else "请求体")
        message += f"：{where} {first['message']}" if where else f"：{first['message']}"
        if len(details) > 1:
            message += f"；另有 {len(details) - 1} 处问题"
    return {"code": "invalid_request", "message": message, "details": details}


def _invalid_json_message(cause: BaseException) -> str:
    if isinstance(cause, json.JSONDecodeError):
        return f"请求体不是有效的 JSON（第 {cause.lineno} 行第 {cause.colno} 列附近）"
    if isinstance(cause, UnicodeDecodeError):
        return "请求体不是有效的 JSON（应为 UTF-8 编码）"
    return "请求体不是有效的 JSON"


_HTTP_ERRORS = {
    400: ("bad_request", "请求不正确"),
    403: ("forbidden", "无权访问该接口"),
    404: ("not_found", "未找到请求的资源"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求体过大"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
}


def install_error_handlers(target: NinjaAPI) -> None:
    """Every error leaves the API as {"code", "message"} with a Chinese message."""

    @target.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        body = {"code": exc.code, "message": exc.message}
        # A refusal naming several fields (a corrected record) lists each, as a refused body does.
        if getattr(exc, "details", None):
            body["details"] = exc.details
        return target.create_response(request, body, status=exc.status)

    @target.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return target.create_response(request, _validation_body(exc.errors), status=422)

    @target.exception_handler(AuthenticationError)
    def authentication_error(request, exc: AuthenticationError):
        response = target.create_response(request, unauthorized_body(request), status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @target.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # ninja turns any failure of its JSON body parser into HttpError(400, "Cannot parse
        # request body") raised from the parser's exception; that cause says where.
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            body = {"code": "invalid_json", "message": _invalid_json_message(exc.__cause__)}
        else:
            code, message = _HTTP_ERRORS.get(exc.status_code, ("http_error", "请求无法处理"))
            body = {"code": code, "message": str(exc) if _chinese(str(exc)) else message}
        return target.create_response(request, body, status=exc.status_code)

    @target.exception_handler(Http404)
    def not_found(request, exc: Http404):
        message = str(exc) if _chinese(str(exc)) else "未找到请求的资源"
        return target.create_response(
            request, {"code": "not_found", "message": message}, status=404
        )
