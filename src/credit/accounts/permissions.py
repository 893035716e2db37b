"""Who may do what: the one place each permission is decided.

Console pages, API handlers, admin screens and services all call these functions, so a
rule cannot hold on one path and be missing on another (an auditor once uploaded a penalty
through the console because the upload page only asked for a department). Services call
them too and refuse with `PermissionDenied`, whatever page or route reached them.

The roles follow 等保 2.0 separation of duties: the credit office administers, department
operators report and check, auditors read the logs and write nothing, anywhere.
"""

from __future__ import annotations

from typing import Any

from credit.accounts.models import Role, Scope
from credit.audit.permissions import can_browse_audit  # noqa: F401  (the rule lives in audit)
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied

# Staff using the API from the console act with their role's scopes.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.CREDIT_ADMIN: frozenset(Scope.values),
    Role.OPERATOR: frozenset(
        {
            Scope.RECORDS_WRITE,
            Scope.RECORDS_READ,
            Scope.CHECKS_RUN,
            Scope.NOTICES_READ,
            Scope.EVALUATIONS_READ,
            Scope.OBJECTIONS_HANDLE,
            Scope.REPAIRS_DECIDE,
        }
    ),
    Role.AUDITOR: frozenset(),
}
# Operators register and verify their department's credit commitments (issue 13).
ROLE_SCOPES[Role.OPERATOR] = ROLE_SCOPES[Role.OPERATOR] | {Scope.COMMITMENTS_WRITE}

# The scope each API area needs. Reading a batch (status, errors, report) belongs to the
# system that reports data: a token that only runs checks or reads shared records must not
# learn what a department uploaded.
SCOPE_BATCHES = Scope.RECORDS_WRITE
SCOPE_RECORDS_WRITE = Scope.RECORDS_WRITE
SCOPE_RECORDS_READ = Scope.RECORDS_READ
SCOPE_CHECKS = Scope.CHECKS_RUN

AUDITOR_WRITES_NOTHING = "审计员只能查阅日志，不能进行任何修改操作"


def _user(who: Any):
    """The staff user behind an Actor, a user, or None (API clients, the system)."""
    if isinstance(who, Actor):
        return who.user
    return who


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_auditor(who: Any) -> bool:
    """An auditor (a superuser is never treated as one: it administers the platform)."""
    user = _user(who)
    return (
        user is not None
        and getattr(user, "role", None) == Role.AUDITOR
        and not getattr(user, "is_superuser", False)
    )


def scopes_of_user(user) -> frozenset[str]:
    if user is None or is_auditor(user):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset(Scope.values)
    return ROLE_SCOPES.get(getattr(user, "role", ""), frozenset())


def _may_write(actor: Actor) -> bool:
    """Writes of any kind: never an auditor; a user or client needs a department unless it
    is the credit office's administrator; the system (jobs, commands) always may."""
    if is_auditor(actor):
        return False
    if actor.is_credit_admin:
        return True
    return actor.department_id is not None


def require_writer(actor: Actor, message: str = AUDITOR_WRITES_NOTHING) -> None:
    if is_auditor(actor):
        raise PermissionDenied(message)


# --- data collection (batches) ---------------------------------------------------------------


def can_upload(actor: Actor, department=None) -> bool:
    """Report data for `department` (None: any department the actor may report for)."""
    if not _may_write(actor):
        return False
    if actor.user is not None and SCOPE_RECORDS_WRITE not in scopes_of_user(actor.user):
        return False
    if actor.is_credit_admin or department is None:
        return True
    department_id = getattr(department, "id", department)
    return actor.department_id == department_id


def require_upload(actor: Actor, department) -> None:
    if is_auditor(actor):
        raise PermissionDenied(AUDITOR_WRITES_NOTHING)
    if not can_upload(actor, department):
        raise PermissionDenied("只能为本单位上报数据")


def can_read_batches(actor: Actor) -> bool:
    """See batches at all: their department's operators and systems, and the credit office.
    Auditors follow the change log, not the departments' uploads."""
    if is_auditor(actor):
        return False
    return actor.is_credit_admin or actor.department_id is not None


def can_read_batch(actor: Actor, batch) -> bool:
    if not can_read_batches(actor):
        return False
    return actor.is_credit_admin or batch.department_id == actor.department_id


def can_download_error_rows(actor: Actor, batch) -> bool:
    """The error-rows file of a batch repeats the sent rows in full, ID numbers in clear, so
    it goes back only to the department that sent them: its operators and systems that may
    report for it, and whoever submitted the batch (a credit admin uploading on a
    department's behalf had the file already). The credit office otherwise reads the masked
    report like everyone else; auditors read no batch."""
    if not can_read_batch(actor, batch) or not can_upload(actor, batch.department_id):
        return False
    if actor.department_id is not None and actor.department_id == batch.department_id:
        return True
    if actor.user is not None:
        return batch.created_by_id == actor.user.pk
    if actor.client is not None:
        return batch.created_by_client_id == actor.client.pk
    return False


def require_download_error_rows(actor: Actor, batch) -> None:
    if not can_download_error_rows(actor, batch):
        raise PermissionDenied(
            "错误行重新上报文件含完整的证件号码，只有上报该批次的单位可以下载；"
            "其他人员请下载处理报告（证件号码已脱敏）"
        )


# --- credit checks ---------------------------------------------------------------------------


def can_run_check(actor: Actor) -> bool:
    """Run checks, download their results and see overdue feedback and statistics."""
    if not _may_write(actor):
        return False
    if actor.user is not None:
        return SCOPE_CHECKS in scopes_of_user(actor.user)
    return True  # an API client: the route has checked its token's scope


def require_run_check(actor: Actor) -> None:
    if is_auditor(actor):
        raise PermissionDenied("审计员不能发起信用核查")
    if not can_run_check(actor):
        raise PermissionDenied("当前身份未关联部门，不能发起信用核查")


def can_read_checks(actor: Actor) -> bool:
    """The check list and results: those who run checks, and auditors (an auditor follows
    the access log to the answer that was given)."""
    return can_run_check(actor) or is_auditor(actor)


def can_give_feedback(actor: Actor, check) -> bool:
    """Only the department that ran the check reports what it did with the answer."""
    return (
        can_run_check(actor)
        and actor.department_id is not None
        and check.department_id == actor.department_id
    )


# --- red and black lists ---------------------------------------------------------------------


def _is_credit_office(department_id: int | None) -> bool:
    from credit.accounts.models import Department

    return (
        department_id is not None
        and Department.objects.filter(pk=department_id, is_credit_office=True).exists()
    )


def can_use_list_console(actor: Actor) -> bool:
    """Open the list pages at all: list work is not an auditor's."""
    return not is_auditor(actor)


def can_act_on_list(actor: Actor, department_id: int | None) -> bool:
    """The recognising department, the credit office and credit admins may act."""
    if is_auditor(actor):
        return False
    if actor.is_credit_admin:
        return True
    if actor.department_id is None:
        return False
    if department_id is not None and actor.department_id == department_id:
        return True
    return _is_credit_office(actor.department_id)


# --- records ---------------------------------------------------------------------------------


def can_change_record(actor: Actor, record) -> bool:
    """Withdraw or flag a record: the department that sent it, or the credit office."""
    if is_auditor(actor):
        return False
    return actor.is_credit_admin or actor.department_id == record.department_id


def sees_every_department(actor: Actor) -> bool:
    """The credit office (its administrators and its department's staff) and auditors see
    every department's records; everyone else only their own department's."""
    return is_auditor(actor) or actor.is_credit_admin or _is_credit_office(actor.department_id)


def can_list_department_records(actor: Actor) -> bool:
    """本单位记录 (console) and `GET /api/v1/records/mine`: a department's operators and
    systems (its own records), the credit office (every department's), auditors (read
    only). A staff account without the reporting scope has no records of its own."""
    if is_auditor(actor):
        return True
    if actor.user is not None and SCOPE_RECORDS_WRITE not in scopes_of_user(actor.user):
        return False
    return actor.is_credit_admin or actor.department_id is not None


def can_read_department_record(actor: Actor, record) -> bool:
    """One record of the department list, with its versions and publication history."""
    if not can_list_department_records(actor):
        return False
    return record.department_id == actor.department_id or sees_every_department(actor)


def _may_change_records_of(actor: Actor, record) -> bool:
    if not _may_write(actor):
        return False
    if actor.user is not None and SCOPE_RECORDS_WRITE not in scopes_of_user(actor.user):
        return False
    if actor.is_credit_admin or actor.department_id == record.department_id:
        return True
    return _is_credit_office(actor.department_id)


def can_withdraw(actor: Actor, record) -> bool:
    """撤回 a record: the department that sent it, or the credit office for any department
    (with a reason, as every withdrawal has); never an auditor."""
    return _may_change_records_of(actor, record)


def can_correct(actor: Actor, record) -> bool:
    """更正 a record (a corrected version entered in the console or sent by API): the same
    people who may withdraw it."""
    return _may_change_records_of(actor, record)


# --- audit trail -----------------------------------------------------------------------------

# can_browse_audit is imported above from credit.audit.permissions: audit sits below accounts
# (accounts writes the change log), so the rule lives there and is the same function here.


# --- subject review (merge / undo / confirm distinct) ---------------------------------------


def can_read_subject_review(actor: Actor) -> bool:
    """The review queue and merge history: the credit office, and auditors (read only)."""
    return actor.is_credit_admin or is_auditor(actor)


def can_read_subject_profile(actor: Actor) -> bool:
    """A subject's profile in the console (what government sharing and the reader's own
    department may see): every signed-in staff member; each read is access-logged."""
    return _authenticated(_user(actor))


def can_review_subjects(actor: Actor) -> bool:
    """Merge, undo a merge, confirm distinct, decide a name: the credit office only. A
    department's operator sees only its own data and cannot judge two subjects as one."""
    return actor.is_credit_admin and not is_auditor(actor)


# --- admin site ------------------------------------------------------------------------------


def can_write_in_admin(user) -> bool:
    """Add, change or delete anything in the admin site: never an auditor, whatever
    permissions or groups an administrator may have given the account."""
    return _authenticated(user) and not is_auditor(user)


class AuditorReadOnlyBackend:
    """First in AUTHENTICATION_BACKENDS: refuses an auditor every permission but `view_*`.

    Django stops asking the other backends when one raises PermissionDenied, so a group or
    a user permission given to an auditor by mistake cannot let it write in the admin.
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if is_auditor(user_obj) and not perm.split(".", 1)[-1].startswith("view_"):
            from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

            raise DjangoPermissionDenied
        return False


def can_manage_calendar(actor: Actor) -> bool:
    """The working-day calendar is the credit office's: its administrators (or the system)
    enter holidays; auditors never write."""
    return bool(actor.is_credit_admin) and not is_auditor(actor)
