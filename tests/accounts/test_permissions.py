"""The services refuse an auditor whatever path reaches them, and the admin site gives an
auditor nothing to write even when a permission was granted by mistake."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from credit.accounts import permissions
from credit.checks.store import run_check
from credit.collection import queries as batches
from credit.collection import services as collection
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied
from credit.lists import services as list_services
from credit.lists.models import ListType
from credit.subjects.models import Subject
from tests.collection.samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db


def test_auditor_with_a_department_cannot_upload_through_the_service(
    auditor_user, credit_office, tmp_path
):
    call_command("load_catalog", verbosity=0)
    path = write_csv(tmp_path / "p.csv", [penalty_row(1)])
    actor = Actor.for_user(auditor_user)
    assert auditor_user.department_id is not None
    assert not permissions.can_upload(actor)
    with pytest.raises(PermissionDenied) as refused:
        collection.submit_file(
            actor,
            dataset_code="penalty",
            department=credit_office,
            fileobj=path,
            filename=path.name,
            run_now=True,
        )
    assert "审计员" in refused.value.message
    assert not batches.batches_for(actor).exists()
    from credit.collection.models import Batch

    assert not Batch.objects.exists()


def test_auditor_runs_no_check_and_acts_on_no_list(auditor_user, departments):
    actor = Actor.for_user(auditor_user)
    with pytest.raises(PermissionDenied):
        run_check(actor, "bidding", [{"name": "本溪市某公司"}], purpose="审计员不能核查")
    subject = Subject.objects.create(
        public_id="perm-1", kind="organization", name="本溪市权限测试有限公司", name_norm="x"
    )
    with pytest.raises(PermissionDenied):
        list_services.notify(
            actor,
            ListType.objects.get(code="samr_serious_violation"),
            subject,
            "本市监告〔2026〕1号",
            dt.date.today(),
            "理由",
        )
    # The credit office's department alone would let an operator act on every list.
    assert not permissions.can_act_on_list(actor, None)


def test_a_granted_permission_gives_an_auditor_no_write_in_the_admin(auditor_user):
    add_user = Permission.objects.get(codename="add_user")
    view_user = Permission.objects.get(codename="view_user")
    auditor_user.user_permissions.add(add_user, view_user)
    auditor_user = type(auditor_user).objects.get(pk=auditor_user.pk)  # no cached perms
    assert not auditor_user.has_perm("accounts.add_user")
    assert auditor_user.has_perm("accounts.view_user")


def test_operator_scopes_and_auditor_scopes(operator_user, auditor_user, admin_user):
    assert permissions.scopes_of_user(auditor_user) == frozenset()
    assert "records:write" in permissions.scopes_of_user(operator_user)
    assert permissions.can_upload(Actor.for_user(admin_user))
