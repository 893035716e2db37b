"""信用本溪 public pages: parse the request, ask the queries, render. Read-only, anonymous."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from credit import facts
from credit.commitments.ingest import DATASET_CODE as COMMITMENT_DATASET
from credit.core.normalize import as_int
from credit.evaluation import views as evaluation_views
from credit.portal import listing, present, profile_page
from credit.portal.opaque import record_pk
from credit.records import queries as records
from credit.subjects import queries as subject_queries
from credit.subjects.search import query_problem, search_subjects

LATEST_ON_HOME = 8


def _not_found(request, message: str):
    return render(request, "portal/404.html", {"message": message}, status=404)


@dataclass
class HomeBlock:
    slug: str
    name: str
    count: int
    latest: list


@require_safe
def home(request):
    counts = present.public_counts_by_dataset()
    blocks = [
        HomeBlock(
            listing.slug(dataset, attrs),
            attrs.name or dataset.name,
            counts.get(dataset.code, 0),
            present.present_records(records.latest_public(dataset.code, LATEST_ON_HOME)),
        )
        for dataset, attrs in listing.public_list_datasets()
    ]
    return render(
        request,
        "portal/home.html",
        {
            # Datasets with nothing public yet would be an empty box each.
            "blocks": [b for b in blocks if b.count],
            "list_counts": present.list_counts(),
        },
    )


def _page_number(request) -> int:
    return max(1, as_int(request.GET.get("page")) or 1)


@require_safe
def search(request):
    q = request.GET.get("q", "").strip()
    problem = query_problem(q) if q else ""
    result = (
        search_subjects(
            q, _page_number(request), count_records=present.count_public, public_only=True
        )
        if q and not problem
        else None
    )
    return render(request, "portal/search.html", {"q": q, "result": result, "problem": problem})


@require_safe
def subject_profile(request, public_id: str):
    data = profile_page.load(public_id)
    profile = present.profile_page(public_id, data) if data else None
    if profile is None:
        # Asked only when there is nothing to show: a merged subject's records all moved,
        # so the busiest page pays nothing for the redirect. Temporary (302): a merge can
        # be undone.
        survivor = subject_queries.survivor_public_id(public_id[:22])
        if survivor:
            return redirect("portal:subject", public_id=survivor)
        return _not_found(request, "未找到该信用主体")
    return render(
        request,
        "portal/profile.html",
        {
            "profile": profile,
            "noindex": profile.is_person,
            "shown_per_dataset": profile_page.SHOWN_PER_DATASET,
            # Shown only when the credit office switched it on (evaluation settings).
            "portal_grade": None
            if profile.is_person
            else evaluation_views.portal_context(profile.public_id),
        },
    )


@require_safe
def publicity_list(request, dataset_code: str):
    found = listing.public_dataset(dataset_code)
    if found is None:
        return _not_found(request, "没有这一类公示信息")
    dataset, attrs = found
    form = listing.PublicityFilter(dataset, request.GET or None)
    records_shown = listing.filtered(dataset, form)
    if form.is_bound and not form.is_valid():
        # Refused, not ignored: a list without the asked filters would look like an answer.
        records_shown = records_shown.none()
    page = listing.page_of(records_shown, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/publicity_list.html",
        {
            "dataset_code": dataset.code,
            "title": attrs.name or dataset.name,
            "form": form,
            "page": page,
            "rows": present.present_records(page.object_list),
            "query": query.urlencode(),
        },
    )


@require_safe
def commitments(request):
    """Public credit commitments (主动型, and others marked 是否公开): the catalog's list."""
    return publicity_list(request, COMMITMENT_DATASET)


@require_safe
def publicity_index(request):
    counts = present.public_counts_by_dataset()
    blocks = [
        HomeBlock(
            listing.slug(dataset, attrs),
            attrs.name or dataset.name,
            counts.get(dataset.code, 0),
            [],
        )
        for dataset, attrs in listing.public_list_datasets()
    ]
    return render(request, "portal/publicity_index.html", {"blocks": blocks})


@require_safe
def record_detail(request, token: str):
    pk = record_pk(token)
    record = (
        records.public_records()
        .filter(pk=pk)
        .select_related("subject", "department", "dataset", "dataset_version")
        .first()
        if pk is not None
        else None
    )
    if record is None:
        return _not_found(request, "该信息不存在或已不在公示期内")
    shown = present.present_record(record, with_fields=True)
    return render(
        request,
        "portal/record.html",
        {
            "record": shown,
            "disputed": bool(facts.disputed(facts.RECORD, [record.pk])),
            "title": shown.dataset_name,
            "noindex": shown.subject_is_person,
            # 失信信息 may be repaired: the page links to the repair self-check.
            "repair_check": record.dataset_version.category == "不良",
        },
    )


@require_safe
def privacy(request):
    return render(
        request,
        "portal/privacy.html",
        {"rate_limit": settings.CREDIT_RATE_LIMIT_PER_MINUTE},
    )


# 网站地图: every public section, in the order of the navigation.
SITEMAP = (
    ("首页", "portal:home", ()),
    ("信用查询", "portal:search", ()),
    ("信用公示", "portal:publicity_index", ()),
    ("红黑名单", "lists:index", ()),
    ("数据接口文档", "api:openapi-view", ()),
    ("隐私声明", "portal:privacy", ()),
    ("工作台登录（部门工作人员）", "console:login", ()),
)


@require_safe
def sitemap(request):
    entries = []
    sitemap = list(SITEMAP)
    # Each public dataset's list after 信用查询, in the profile's order.
    sitemap[3:3] = [
        (f"{attrs.name or dataset.name}公示", "portal:publicity", (listing.slug(dataset, attrs),))
        for dataset, attrs in listing.public_list_datasets()
    ]
    for title, name, args in sitemap:
        try:
            entries.append((title, reverse(name, args=args)))
        except NoReverseMatch:
            continue  # a section this deployment does not serve
    return render(request, "portal/sitemap.html", {"entries": entries})
