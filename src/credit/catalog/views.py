"""Catalog pages for staff: the list of items, a version's data dictionary, its template."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from credit.catalog import queries
from credit.catalog.dictionary import COLUMNS, dictionary_rows
from credit.catalog.xlsx_template import build_template, template_filename
from credit.core.errors import NotFound
from credit.core.normalize import as_int

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


SECTION = "catalog"


def _version(code: str, number: str | None):
    try:
        if number is None:
            return queries.current_version(code)
        version = as_int(number, max_digits=9)
        if version is None:
            raise Http404("版本号无效")
        return queries.version_of(code, version)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def dataset_list(request):
    return render(
        request,
        "catalog/dataset_list.html",
        {"section": SECTION, "datasets": queries.list_datasets()},
    )


@login_required
def dataset_dictionary(request, code: str):
    version = _version(code, request.GET.get("version"))
    context = {
        "section": SECTION,
        "version": version,
        "dataset": version.dataset,
        "versions": queries.versions_of(code),
        "columns": COLUMNS,
        "rows": dictionary_rows(version),
        "is_current": version.dataset.current_version_id == version.pk,
    }
    return render(request, "catalog/dataset_dictionary.html", context)


@login_required
def dataset_template(request, code: str):
    version = _version(code, request.GET.get("version"))
    response = HttpResponse(build_template(version), content_type=XLSX)
    filename = quote(template_filename(version))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
