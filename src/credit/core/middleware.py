"""Refuses a NUL character in a request's address, and in the API's form fields.

PostgreSQL cannot store or even compare a text holding NUL: a NUL in a path parameter, a
query string or an API form field reached it and gave a 500 (the anonymous
`/api/v1/public/subjects/ab%00c`, a batch upload's `dataset`, the sharing route). No
address holds one legitimately, so this one check answers them all with a Chinese 400,
JSON under /api/ and a page elsewhere, instead of each view having to remember.

Two kinds of input are left to the code that can say more: the console's form fields
(`credit.core.forms.SafeInputMixin` names the field, next to it on the page) and JSON
bodies (a pushed record's values are reported row by row; the request's own fields are
checked by the API schemas, `credit.core.apitypes.CleanStr`).
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

NUL = "\x00"
MESSAGE = "请求中含有空字符（NUL），无法处理，请删除后重试"
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def _any_nul(data) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in data.lists())


def _has_nul(request) -> bool:
    if NUL in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if _any_nul(request.GET):
        return True
    if not request.path_info.startswith("/api/") or request.method in ("GET", "HEAD"):
        return False
    if not request.META.get("CONTENT_TYPE", "").startswith(FORMS):
        return False
    if _any_nul(request.POST):
        return True
    return any(NUL in (upload.name or "") for upload in request.FILES.values())


def refused(request):
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": "nul_character", "message": MESSAGE},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "400.html", {"message": MESSAGE}, status=400)


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return refused(request)
        return self.get_response(request)
