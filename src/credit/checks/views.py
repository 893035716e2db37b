"""Console pages of credit checks: run a check, upload a batch, results, export, feedback,
overdue, statistics. Pages parse, call the services and render."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from credit.accounts import permissions
from credit.checks import batch_files, feedback, results, stats
from credit.checks import changes as check_changes
from credit.checks.answer import answer_with_feedback
from credit.checks.files import subjects_from_file
from credit.checks.models import Feedback
from credit.checks.store import get_check, run_check, visible_checks
from credit.core.actors import Actor
from credit.core.errors import NotFound, ServiceError
from credit.core.forms import SafeInputMixin
from credit.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from credit.core.normalize import as_int
from credit.core.paging import CappedPaginator
from credit.measures.queries import scenarios_for

SCOPE = "checks:run"
SECTION = "checks"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 100
SHOW_CHOICES = ("hits", "unresolved")


def _actor(request) -> Actor:
    return Actor.for_user(request.user, getattr(request, "request_id", ""))


def _may_check(user) -> bool:
    return permissions.can_run_check(Actor.for_user(user))


def _may_read(user) -> bool:
    """Auditors read checks (the list and the results), run none and give no feedback."""
    return permissions.can_read_checks(Actor.for_user(user))


def _render(request, template: str, context: dict, status: int = 200):
    context.setdefault("title", "信用核查")
    context["section"] = SECTION
    context["can_run"] = _may_check(request.user)
    context["view_name"] = request.resolver_match.view_name
    return render(request, template, context, status=status)


def _forbidden(request):
    return _render(
        request,
        "checks/message.html",
        {"title": "无权访问", "message": "当前账号没有发起信用核查的权限。"},
        status=403,
    )


def _not_found(request, exc: NotFound):
    return _render(
        request,
        "checks/message.html",
        {"title": "未找到", "message": exc.message},
        status=404,
    )


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _scenario_choices(user):
    actor = Actor.for_user(user)
    return [(s.code, s.name) for s in scenarios_for(actor.department_id, actor.is_credit_admin)]


def _identifier(value: str, validate) -> str:
    """A filled-in identifier normalised by `validate`, or the validator's message as the
    field's error."""
    value = value.strip()
    if not value:
        return value
    try:
        return validate(value)
    except IdentifierError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from exc


class SingleCheckForm(SafeInputMixin, forms.Form):
    scenario = forms.ChoiceField(label="业务场景")
    purpose = forms.CharField(
        label="核查事由",
        max_length=200,
        help_text="必填：审批事项名称、项目编号或采购编号等，将写入查询日志",
    )
    uscc = forms.CharField(label="统一社会信用代码", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号", max_length=30, required=False)
    name = forms.CharField(label="名称", max_length=200, required=False)
    region = forms.CharField(label="地区", max_length=50, required=False)

    def __init__(self, user, *args, **kwargs):
        # Django's default suffix is an ASCII colon, wrong after a Chinese label.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = _scenario_choices(user)

    # A typing slip here would otherwise be stored as a check with one 标识无效 row and
    # counted in the statistics; the form says what is wrong instead. Batches and the API
    # still report an invalid row inside the answer, where it must not refuse the others.
    def clean_uscc(self):
        return _identifier(self.cleaned_data["uscc"], validate_uscc)

    def clean_id_number(self):
        return _identifier(self.cleaned_data["id_number"], lambda v: validate_id_number(v).number)

    def clean(self):
        data = super().clean()
        keys = ("uscc", "id_number", "name")
        # A field already refused has its own message; "fill one in" would be wrong there.
        if not any(k in self.errors for k in keys) and not any(
            (data.get(k) or "").strip() for k in keys
        ):
            raise forms.ValidationError(
                "请至少填写统一社会信用代码、身份证号或名称之一", code="no_identifier"
            )
        return data


class BatchCheckForm(SafeInputMixin, forms.Form):
    scenario = forms.ChoiceField(label="业务场景")
    purpose = forms.CharField(
        label="核查事由",
        max_length=200,
        help_text="必填：审批事项名称、项目编号或采购编号等，将写入查询日志",
    )
    file = forms.FileField(
        label="主体名单（CSV 或 XLSX）",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, user, *args, **kwargs):
        # Django's default suffix is an ASCII colon, wrong after a Chinese label.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = _scenario_choices(user)


@login_required
def index(request):
    if not _may_read(request.user):
        return _forbidden(request)
    actor = _actor(request)
    page = CappedPaginator(visible_checks(actor), 30).get_page(request.GET.get("page"))
    return _render(
        request,
        "checks/index.html",
        {
            "page": page,
            "form": SingleCheckForm(request.user),
            "batch_form": BatchCheckForm(request.user),
        },
    )


@login_required
def run_single(request):
    if not _may_check(request.user):
        return _forbidden(request)
    form = SingleCheckForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = run_check(
                _actor(request),
                data["scenario"],
                [{k: data[k] for k in ("uscc", "id_number", "name", "region")}],
                purpose=data["purpose"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("checks:detail", check_id=check.pk)
    return _render(request, "checks/single.html", {"form": form, "title": "单个主体核查"})


@login_required
def run_batch(request):
    if not _may_check(request.user):
        return _forbidden(request)
    form = BatchCheckForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()[:8]
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                batch_files.check_upload(Path(tmp.name), upload.name)
                subjects = subjects_from_file(Path(tmp.name), upload.name)
                batch_files.refuse_examples(subjects)
                check = run_check(
                    _actor(request),
                    form.cleaned_data["scenario"],
                    subjects,
                    purpose=form.cleaned_data["purpose"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("checks:detail", check_id=check.pk)
    return _render(request, "checks/batch.html", {"form": form, "title": "批量核查"})


@login_required
def batch_template(request):
    if not _may_check(request.user):
        return _forbidden(request)
    return _attachment(batch_files.build_template(), batch_files.TEMPLATE_FILENAME)


def _form_values(row) -> dict:
    """The feedback form's values for a stored feedback row (empty when not given yet)."""
    if row is None or row.given_at is None:
        return {"applied": "", "reason": "", "result": ""}
    return {"applied": "yes" if row.applied else "no", "reason": row.reason, "result": row.result}


def _detail_page(
    request,
    actor: Actor,
    check,
    show: str,
    page_number,
    submitted: dict | None = None,
    error: ServiceError | None = None,
):
    """The result page of `check`. After refused feedback it shows the user's own answers
    (`submitted`, by (position, measure code)) and each problem next to its row."""
    answer = answer_with_feedback(check)
    rows = Feedback.objects.filter(check_run=check).select_related("check_subject")
    current = {(f.check_subject.position, f.measure_code): f for f in rows}
    show = show if show in SHOW_CHOICES else ""
    items = answer["items"]
    if show == "hits":
        items = [i for i in items if i.get("verdict") not in (None, "无不良记录")]
    elif show == "unresolved":
        items = [i for i in items if i["status"] != "matched"]
    page = Paginator(items, PAGE_SIZE).get_page(page_number)
    history = feedback.feedback_history(check, [i["index"] for i in page.object_list])
    problems: dict[tuple, str] = {}
    for problem in getattr(error, "problems", []):
        problems.setdefault((problem.index, problem.measure), problem.problem)
    submitted = submitted or {}
    for item in page.object_list:
        for measure in item.get("measures", []):
            key = (item["index"], measure["code"])
            row = current.get(key)
            measure["feedback"] = row
            measure["history"] = history.get(key)
            measure["problem"] = problems.get(key, "")
            measure["form"] = submitted.get(key) or _form_values(row)
    _mark_changes(check, page.object_list)
    results.log_read(actor, check, page.object_list, results.VIEW_PURPOSE)
    return _render(
        request,
        "checks/detail.html",
        {
            "check": check,
            "answer": answer,
            "page": page,
            "show": show,
            "can_feedback": permissions.can_give_feedback(actor, check),
            "feedback_error": error,
            "title": f"核查结果 #{check.pk}",
        },
    )


def _mark_changes(check, items) -> None:
    """Put on each record and list entry shown what has changed since the check (the
    notices its system or department was sent): "该记录已于 2026-12-20 撤回"."""
    changes = check_changes.changes_for_check(check)
    if not changes:
        return
    for item in items:
        public_id = (item.get("subject") or {}).get("public_id")
        for r in item.get("records", []):
            r["changes"] = changes.get((public_id, r["dataset"], r["doc_number"]), [])
        for e in (*item.get("black_entries", []), *item.get("red_entries", [])):
            e["changes"] = changes.get((public_id, e["list_type"], e["decision_number"]), [])


@login_required
def detail(request, check_id: int):
    if not _may_read(request.user):
        return _forbidden(request)
    actor = _actor(request)
    try:
        check = get_check(actor, check_id)
    except NotFound as exc:
        return _not_found(request, exc)
    return _detail_page(request, actor, check, request.GET.get("show", ""), request.GET.get("page"))


@login_required
def export(request, check_id: int):
    if not _may_check(request.user):
        return _forbidden(request)
    try:
        filename, content = results.export_xlsx(_actor(request), check_id)
    except NotFound as exc:
        return _not_found(request, exc)
    return _attachment(content, filename)


def _feedback_posted(post) -> tuple[list[dict], dict]:
    """The feedback items of the result page's form, and the user's answers by (subject
    position, measure code), to show again if the feedback is refused.

    Fields are applied-/reason-/result-<position>-<code>. A row with neither a choice nor
    text was not answered; text without a choice is sent on, so that the service asks for
    the choice rather than the text being dropped.
    """
    answers: dict[tuple[int, str], dict] = {}
    for key in post:
        field, _, rest = key.partition("-")
        if field not in ("applied", "reason", "result"):
            continue
        text, _, code = rest.partition("-")
        index = as_int(text, max_digits=6)
        # A key the page never offers (forged or truncated) is no feedback at all.
        if index is None or not code:
            continue
        values = answers.setdefault((index, code), {"applied": "", "reason": "", "result": ""})
        value = post[key]
        if field == "applied":
            values["applied"] = value if value in ("yes", "no") else ""
        else:
            values[field] = value
    items = [
        {
            "index": index,
            "measure": code,
            "applied": {"yes": True, "no": False}.get(values["applied"]),
            "reason": values["reason"],
            "result": values["result"],
        }
        for (index, code), values in answers.items()
        if values["applied"] or values["reason"].strip() or values["result"].strip()
    ]
    return items, answers


@login_required
def give_feedback(request, check_id: int):
    if not _may_check(request.user) or request.method != "POST":
        return _forbidden(request)
    actor = _actor(request)
    items, answers = _feedback_posted(request.POST)
    show = request.POST.get("show", "")
    show = show if show in SHOW_CHOICES else ""
    page = as_int(request.POST.get("page", ""), max_digits=6)
    try:
        saved = feedback.give_feedback(actor, check_id, items, numbering=feedback.NUMBERING_CONSOLE)
    except NotFound as exc:
        return _not_found(request, exc)
    except ServiceError as exc:
        try:
            check = get_check(actor, check_id)
        except NotFound as missing:
            return _not_found(request, missing)
        # Shown again with the user's answers: a redirect would lose everything typed.
        return _detail_page(request, actor, check, show, page, submitted=answers, error=exc)
    changed = sum(1 for row in saved if row.changed)
    if changed:
        messages.success(request, f"已保存 {changed} 条反馈")
    else:
        messages.info(request, "反馈内容没有变化，未保存")
    url = reverse("checks:detail", kwargs={"check_id": check_id})
    query = urlencode({k: v for k, v in (("show", show), ("page", page)) if v})
    return redirect(f"{url}?{query}" if query else url)


@login_required
def overdue(request):
    if not _may_check(request.user):
        return _forbidden(request)
    rows = feedback.overdue_feedback(_actor(request))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return _render(request, "checks/overdue.html", {"page": page, "title": "逾期未反馈"})


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
    return _render(request, "checks/stats.html", {"data": data, "title": "信用核查统计"})
