"""Workbench pages: parse the request, call a collection service or query, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from credit.accounts import permissions
from credit.accounts import services as accounts
from credit.accounts import tokens as api_tokens
from credit.accounts.forms import LoginForm, PasswordChangeForm
from credit.accounts.passwords import change_required
from credit.catalog import queries as catalog
from credit.collection import queries, services, storage
from credit.collection.models import BatchState, Source
from credit.console.forms import LATE_BATCHES, BatchFilterForm, UploadForm
from credit.console.profile import build as subject_profile_sections
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.core.normalize import has_control_chars
from credit.evaluation import views as evaluation_views
from credit.subjects import queries as subject_queries

PAGE_SIZE = 20
RECENT = 10
ERRORS_SHOWN = 200
ACTIVE = frozenset(queries.ACTIVE_STATES)


def _actor(request) -> Actor:
    return Actor.for_user(request.user, getattr(request, "request_id", ""))


def _refused(request, exc: ServiceError):
    """Another department's batch, or a missing one: a Chinese page, never a 500."""
    status = 403 if isinstance(exc, PermissionDenied) else 404
    return render(request, f"{status}.html", {"message": exc.message}, status=status)


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("console:login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已安全退出")
        return response


@login_required
def change_password(request):
    """修改密码: every staff member's own page; forced here when the policy requires."""
    form = PasswordChangeForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.change_own_password(
                _actor(request), data["old_password"], data["new_password1"]
            )
        except ServiceError as exc:
            field = "old_password" if exc.code == "wrong_password" else "new_password1"
            form.add_error(field, exc.message)
        else:
            # Changing the password ends other sessions, not this one.
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect(next_url or "console:home")
    return render(
        request,
        "console/password.html",
        {
            "section": "password",
            "form": form,
            "next": next_url,
            "reason": change_required(request.user),
            "rules": [text for text in password_validators_help_texts() if text],
        },
    )


@login_required
def home(request):
    actor = _actor(request)
    batches = queries.batches_for(actor)
    counts = batches.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(state__in=ACTIVE)),
        done=Count("id", filter=Q(state=BatchState.DONE)),
        refused=Count("id", filter=Q(state__in=(BatchState.REJECTED, BatchState.FAILED))),
        new_rows=Sum("new_rows", filter=Q(state=BatchState.DONE, dry_run=False)),
        late_rows=Sum("late_rows", filter=Q(**LATE_BATCHES)),
    )
    return render(
        request,
        "console/home.html",
        {
            "section": "home",
            "counts": counts,
            "recent": batches[:RECENT],
            "all_departments": actor.is_credit_admin,
            "waiting_without_worker": queries.waiting_without_worker(batches),
            **_expiring_tokens(actor),
        },
    )


def _expiring_tokens(actor: Actor) -> dict:
    """For credit admins: API tokens to replace before the systems using them stop."""
    if not actor.is_credit_admin:
        return {}
    expiring = api_tokens.expiring()
    return {
        "expiring_tokens": list(expiring[:RECENT]),
        "expiring_count": expiring.count(),
        "token_warn_days": settings.CREDIT_API_TOKEN_WARN_DAYS,
        "now": timezone.now(),
    }


@login_required
def upload(request):
    user = request.user
    actor = _actor(request)
    if not permissions.can_upload(actor):
        message = (
            permissions.AUDITOR_WRITES_NOTHING
            if permissions.is_auditor(actor)
            else "当前账号未关联报送单位，不能上报数据"
        )
        return render(request, "403.html", {"message": message}, status=403)
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = data.get("department") or user.department
        try:
            batch = services.submit_file(
                actor,
                dataset_code=data["dataset"],
                department=department,
                fileobj=data["file"],
                filename=data["file"].name,
                policy=data["policy"],
                dry_run=data["dry_run"],
                source=Source.UPLOAD,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"文件“{batch.filename}”已上传")
            return redirect("console:batch", public_id=batch.public_id)
    datasets = [d for d in catalog.list_datasets() if d.current_version_id]
    return render(
        request, "console/upload.html", {"section": "upload", "form": form, "datasets": datasets}
    )


@require_safe
@login_required
def subject_profile(request, public_id):
    actor = _actor(request)
    if not permissions.can_read_subject_profile(actor):
        return _refused(request, PermissionDenied("无权查看信用档案"))
    try:
        if has_control_chars(public_id):
            # PostgreSQL refuses a NUL as a parameter rather than find nothing.
            raise NotFound("未找到该信用主体")
        subject = subject_queries.get_by_public_id(public_id)
    except NotFound as exc:
        return _refused(request, exc)
    return render(
        request,
        "console/subject.html",
        {
            "subject": subject,
            "sections": subject_profile_sections(actor, subject),
            "evaluation": evaluation_views.console_context(subject),
        },
    )


@login_required
def batch_list(request):
    form = BatchFilterForm(request.GET or None)
    batches = form.apply(queries.batches_for(_actor(request)))
    late_total = (
        batches.aggregate(n=Sum("late_rows"))["n"] or 0
        if form.is_valid() and form.cleaned_data.get("late")
        else None
    )
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/batch_list.html",
        {
            "section": "batches",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "late_total": late_total,
        },
    )


def _status_context(batch) -> dict:
    return {
        "batch": batch,
        "active": batch.state in ACTIVE,
        "notice": queries.worker_notice(batch),
    }


@login_required
def batch_detail(request, public_id):
    try:
        batch = queries.get_batch(_actor(request), public_id)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    context = _status_context(batch)
    context.update(
        section="batches",
        error_rows_offered=(
            not context["active"]
            and batch.error_rows > 0
            and not storage.is_json(batch)
            and permissions.can_download_error_rows(_actor(request), batch)
        ),
        errors=[] if context["active"] else queries.batch_errors(batch, limit=ERRORS_SHOWN),
        errors_shown=ERRORS_SHOWN,
    )
    return render(request, "console/batch_detail.html", context)


@login_required
def batch_status(request, public_id):
    """The status block alone, polled by htmx while the batch runs."""
    try:
        batch = queries.get_batch(_actor(request), public_id)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    context = _status_context(batch)
    response = render(request, "console/_batch_status.html", context)
    if not context["active"] and request.headers.get("HX-Request"):
        # Finished: reload the whole page once so the error table and reports appear.
        response["HX-Refresh"] = "true"
    return response


@login_required
def batch_report(request, public_id, fmt: str):
    actor = _actor(request)
    try:
        batch = queries.get_batch(actor, public_id)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    try:
        path = services.download_report(actor, batch, fmt)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("console:batch", kwargs={"public_id": batch.public_id}))
    return FileResponse(
        open(path, "rb"), as_attachment=True, filename=services.report_filename(batch, fmt)
    )


@require_safe
@login_required
def batch_error_rows(request, public_id):
    """错误行重新上报文件: the rows in error as sent, for the sending department only."""
    actor = _actor(request)
    try:
        batch = queries.get_batch(actor, public_id)
        handle, name = services.error_rows_file(actor, batch)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("console:batch", kwargs={"public_id": batch.public_id}))
    return FileResponse(handle, as_attachment=True, filename=name)
