"""Console pages of credit checks: run a check, upload a batch, results, feedback, overdue,
statistics. Pages parse, call the services and render."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from credit.accounts.apiauth import ROLE_SCOPES
from credit.core.actors import Actor
from credit.core.errors import NotFound, ServiceError
from credit.core.forms import SafeInputMixin
from credit.core.normalize import as_int
from credit.core.paging import CappedPaginator
from credit.measures import checks, feedback, stats
from credit.measures.check_models import Feedback
from credit.measures.queries import scenarios

SCOPE = "checks:run"
SECTION = "checks"


def _actor(request) -> Actor:
    return Actor.for_user(request.user, getattr(request, "request_id", ""))


def _may_check(user) -> bool:
    return user.is_superuser or SCOPE in ROLE_SCOPES.get(user.role, frozenset())


def _render(request, template: str, context: dict, status: int = 200):
    context.setdefault("title", "信用核查")
    context["section"] = SECTION
    context["view_name"] = request.resolver_match.view_name
    return render(request, template, context, status=status)


def _forbidden(request):
    return _render(
        request,
        "measures/message.html",
        {"title": "无权访问", "message": "当前账号没有发起信用核查的权限。"},
        status=403,
    )


def _scenario_choices():
    return [(s.code, s.name) for s in scenarios()]


class SingleCheckForm(SafeInputMixin, forms.Form):
    scenario = forms.ChoiceField(label="业务场景")
    purpose = forms.CharField(label="核查事由", max_length=200, required=False)
    uscc = forms.CharField(label="统一社会信用代码", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号", max_length=30, required=False)
    name = forms.CharField(label="名称", max_length=200, required=False)
    region = forms.CharField(label="地区", max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        # Django's default suffix is an ASCII colon, wrong after a Chinese label.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = _scenario_choices()


class BatchCheckForm(SafeInputMixin, forms.Form):
    scenario = forms.ChoiceField(label="业务场景")
    purpose = forms.CharField(label="核查事由", max_length=200, required=False)
    file = forms.FileField(label="主体名单（CSV 或 XLSX）")

    def __init__(self, *args, **kwargs):
        # Django's default suffix is an ASCII colon, wrong after a Chinese label.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = _scenario_choices()


@login_required
def index(request):
    if not _may_check(request.user):
        return _forbidden(request)
    actor = _actor(request)
    page = CappedPaginator(checks.visible_checks(actor), 30).get_page(request.GET.get("page"))
    return _render(
        request,
        "measures/index.html",
        {"page": page, "form": SingleCheckForm(), "batch_form": BatchCheckForm()},
    )


@login_required
def run_single(request):
    if not _may_check(request.user):
        return _forbidden(request)
    form = SingleCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = checks.run_check(
                _actor(request),
                data["scenario"],
                [{k: data[k] for k in ("uscc", "id_number", "name", "region")}],
                purpose=data["purpose"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("measures:detail", check_id=check.pk)
    return _render(request, "measures/single.html", {"form": form, "title": "单个主体核查"})


@login_required
def run_batch(request):
    if not _may_check(request.user):
        return _forbidden(request)
    form = BatchCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()[:8]
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                subjects = checks.subjects_from_file(Path(tmp.name), upload.name)
                check = checks.run_check(
                    _actor(request),
                    form.cleaned_data["scenario"],
                    subjects,
                    purpose=form.cleaned_data["purpose"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("measures:detail", check_id=check.pk)
    return _render(request, "measures/batch.html", {"form": form, "title": "批量核查"})


@login_required
def detail(request, check_id: int):
    if not _may_check(request.user):
        return _forbidden(request)
    actor = _actor(request)
    try:
        check = checks.get_check(actor, check_id)
    except NotFound as exc:
        return _render(
            request,
            "measures/message.html",
            {"title": "未找到", "message": exc.message},
            status=404,
        )
    answer = checks.answer_with_feedback(check)
    rows = Feedback.objects.filter(check_run=check).select_related("check_subject")
    pending = {(f.check_subject.position, f.measure_code): f for f in rows}
    items = answer["items"]
    only = request.GET.get("show")
    if only == "hits":
        items = [i for i in items if i.get("verdict") not in (None, "无不良记录")]
    elif only == "unresolved":
        items = [i for i in items if i["status"] != "matched"]
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    for item in page.object_list:
        for measure in item.get("measures", []):
            measure["feedback"] = pending.get((item["index"], measure["code"]))
    return _render(
        request,
        "measures/detail.html",
        {
            "check": check,
            "answer": answer,
            "page": page,
            "show": only or "",
            "can_feedback": check.department_id == actor.department_id,
            "title": f"核查结果 #{check.pk}",
        },
    )


@login_required
def give_feedback(request, check_id: int):
    if not _may_check(request.user) or request.method != "POST":
        return _forbidden(request)
    items = []
    for key in request.POST:
        # One form row per (subject position, measure code): applied-<index>-<code>.
        if not key.startswith("applied-"):
            continue
        _, _, rest = key.partition("-")
        text, _, code = rest.partition("-")
        index = as_int(text, max_digits=6)
        choice = request.POST[key]
        # A key the page never offers (forged or truncated) is no feedback at all.
        if index is None or not code or choice not in ("yes", "no"):
            continue
        items.append(
            {
                "index": index,
                "measure": code,
                "applied": choice == "yes",
                "reason": request.POST.get(f"reason-{index}-{code}", ""),
                "result": request.POST.get(f"result-{index}-{code}", ""),
            }
        )
    try:
        saved = feedback.give_feedback(_actor(request), check_id, items)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已保存 {len(saved)} 条反馈")
    return redirect("measures:detail", check_id=check_id)


@login_required
def overdue(request):
    if not _may_check(request.user):
        return _forbidden(request)
    rows = feedback.overdue_feedback(_actor(request))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return _render(request, "measures/overdue.html", {"page": page, "title": "逾期未反馈"})


@login_required
def statistics(request):
    if not _may_check(request.user):
        return _forbidden(request)
    try:
        month = stats.parse_month(request.GET.get("month"))
    except ServiceError as exc:
        messages.error(request, exc.message)
        month = stats.parse_month(None)
    data = stats.monthly_stats(_actor(request), month)
    return _render(request, "measures/stats.html", {"data": data, "title": "信用核查统计"})
