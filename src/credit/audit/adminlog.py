"""Admin edits are writes: every registered admin class logs them through this mixin.

Configuration tables (holidays, publicity rules, list types, measures, scenarios,
departments, users, API clients) are edited in the admin, not through a service, so the
admin itself must write the change-log row a service would: the model, the fields that
changed with their old and new values. Secrets (password hashes, token hashes, ciphertext)
are never written and ID numbers are masked.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import models

from credit.audit.services import log_access, log_change
from credit.core.actors import Actor
from credit.core.masking import mask_text_ids

# Never written to the change log, whatever the model: the log is read by auditors.
_SECRET = re.compile(r"(^password$|secret|_hash$|cipher|digest)")

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def action_prefix(model) -> str:
    """ApiClient → api_client: the prefix of the admin's action codes (api_client.update)."""
    return _CAMEL.sub("_", model.__name__).lower()


def action_code(model, verb: str) -> str:
    return f"{action_prefix(model)}.{verb}"


def is_secret(name: str) -> bool:
    return bool(_SECRET.search(name))


def _plain(value):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return mask_text_ids(str(value))


def _related_text(obj) -> str:
    return f"{mask_text_ids(str(obj))}（#{obj.pk}）"


def snapshot(obj) -> dict:
    """The object's fields by name, as the change log stores them (no secrets)."""
    if obj is None or obj.pk is None:
        return {}
    data: dict = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or is_secret(field.name):
            continue
        if isinstance(field, models.ForeignKey):
            related = getattr(obj, field.name, None) if getattr(obj, field.attname) else None
            data[field.name] = _related_text(related) if related is not None else None
        else:
            data[field.name] = _plain(getattr(obj, field.attname))
    for field in obj._meta.many_to_many:
        if is_secret(field.name):
            continue
        data[field.name] = sorted(_related_text(item) for item in getattr(obj, field.name).all())
    return data


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields whose value changed, old and new."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    keys += [key for key in before if key not in after]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def actor_of(request) -> Actor:
    return Actor.for_user(request.user, getattr(request, "request_id", ""))


class ChangeLoggedAdminMixin:
    """Writes a change-log row for every add, change and delete made in this admin.

    The row is written after the related objects (many-to-many, inlines) are saved, so a
    scenario's departments or a measure's list types are part of the logged change. An
    admin whose save goes through a service that logs it sets `change_logged_by_service`.
    """

    change_logged_by_service = False

    def _audit_before(self, request) -> dict:
        if not hasattr(request, "_audit_before"):
            request._audit_before = {}
        return request._audit_before

    def save_model(self, request, obj, form, change):
        if change and not self.change_logged_by_service:
            original = type(obj)._default_manager.filter(pk=obj.pk).first()
            self._audit_before(request)[(type(obj), obj.pk)] = snapshot(original)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.change_logged_by_service:
            return
        obj = form.instance
        if obj.pk is None:  # the save failed (a service refused it)
            return
        after = snapshot(obj)
        if change:
            before = self._audit_before(request).pop((type(obj), obj.pk), {})
            before, after = diff(before, after)
            if not after and not before:
                return
        else:
            before = None
        log_change(
            actor_of(request),
            action_code(type(obj), "update" if change else "create"),
            type(obj).__name__,
            obj.pk,
            before=before,
            after=after,
        )

    def delete_model(self, request, obj):
        before, pk = snapshot(obj), obj.pk
        super().delete_model(request, obj)
        if not self.change_logged_by_service:
            log_change(
                actor_of(request), action_code(type(obj), "delete"), type(obj).__name__, pk, before
            )

    def delete_queryset(self, request, queryset):
        # One row per deleted object, as a one-by-one delete would write.
        for obj in queryset:
            self.delete_model(request, obj)

    def get_actions(self, request):
        # Bulk delete skips the per-object checks and history; delete one object at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class AccessLoggedAdminMixin:
    """Opening an object of a subject in the admin is a read of non-public data: the
    access log gets a row (who, which subject, 后台查看), as the console's pages write."""

    access_resource = ""

    def access_subject(self, obj) -> tuple[int | None, str]:
        """(subject id, subject name) the object belongs to."""
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            from django.contrib.admin.utils import unquote

            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                subject_id, label = self.access_subject(obj)
                log_access(
                    actor_of(request),
                    self.access_resource,
                    f"后台查看{obj._meta.verbose_name}（#{obj.pk}）",
                    subject_id=subject_id,
                    subject_label=label,
                )
        return response
