"""Role × action: every address of the platform, every role, reading and writing.

The table below states, for each URL pattern of the project (walked from the resolver: the
console, the portal, the admin entry and every API route of the ninja router), the status
each role gets for GET and for a write. A pattern that is not in the table fails the test,
so a new page cannot arrive without saying who may use it.

Roles: anonymous, the owning operator (市场监管, whose department owns the batch, the check
and the list entry), another department's operator (生态环境), the auditor (attached to the
credit office, which is how the auditor once uploaded a penalty), and the credit admin. API
routes are also called with bearer tokens of the owning department holding one scope each.

Writes are sent with bodies that pass the route's own validation but that the service
refuses for every caller allowed to write (an unknown dataset or scenario, an empty form):
the status tells permission apart from a bad request without writing anything.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from credit.accounts import services as accounts
from credit.accounts.models import Scope
from credit.catalog.models import Dataset
from credit.checks.store import run_check
from credit.collection.models import Batch
from credit.core.actors import Actor
from credit.evaluation import services as evaluation
from credit.lists import services as list_services
from credit.lists.models import ListType
from credit.portal.opaque import entry_token, record_token
from credit.records.models import Record
from credit.reports import services as report_services
from credit.supervision import services as supervision_services
from tests.portal.conftest import load_portal_data

pytestmark = pytest.mark.django_db

ROLES = ("anon", "owner", "other", "auditor", "admin")
TOKENS = ("tok_write", "tok_read", "tok_check")
WRITE = "POST"


def R(anon, owner, other, auditor, admin, **tokens) -> dict[str, int]:
    """Expected status by role (and, for API routes, by single-scope token)."""
    row = dict(zip(ROLES, (anon, owner, other, auditor, admin), strict=True))
    row.update(tokens)
    return row


def ALL(status: int, *, api: bool = False) -> dict[str, int]:
    row = dict.fromkeys(ROLES, status)
    if api:
        row.update(dict.fromkeys(TOKENS, status))
    return row


def T(write, read, check) -> dict[str, int]:
    return {"tok_write": write, "tok_read": read, "tok_check": check}


# Statuses that recur: a login page redirect, an API's answers.
LOGIN = 302
# The portal and the catalog are public: everybody reads, nobody writes (require_safe).
PUBLIC_PAGE = {"GET": ALL(200), WRITE: ALL(405)}
STAFF_READ = R(LOGIN, 200, 200, 200, 200)

# Each key is a walked URL pattern; `url` fills its parameters with the fixtures' objects.
# GET and POST give the expected status for each role.
TABLE: dict[str, dict] = {
    # --- portal and public directory -------------------------------------------------------
    "": {"url": "/", **PUBLIC_PAGE},
    "search/": {"url": "/search/?q=钢铁", **PUBLIC_PAGE},
    "subjects/<str:public_id>/": {"url": "/subjects/{company}/", **PUBLIC_PAGE},
    "publicity/": {"url": "/publicity/", **PUBLIC_PAGE},
    "commitments/": {"url": "/commitments/", **PUBLIC_PAGE},
    # Each 社会公开 dataset by code, and by its older alias (/publicity/penalties/).
    "publicity/<slug:dataset_code>/": {
        "url": "/publicity/penalty/",
        **PUBLIC_PAGE,
        "more": {
            "/publicity/licences/": PUBLIC_PAGE,
            "/publicity/penalties/": PUBLIC_PAGE,
            "/publicity/honour/": PUBLIC_PAGE,
        },
    },
    "publicity/records/<str:token>/": {"url": "/publicity/records/{record}/", **PUBLIC_PAGE},
    "privacy/": {"url": "/privacy/", **PUBLIC_PAGE},
    # --- credit reports: public download and verification ----------------------------------
    "subjects/<str:public_id>/report.pdf": {"url": "/subjects/{company}/report.pdf", **PUBLIC_PAGE},
    # An empty verification form is refused as a bad request, whoever sends it.
    "verify/": {"url": "/verify/", "GET": ALL(200), WRITE: ALL(400)},
    "verify/<str:number>": {"url": "/verify/{report}", **PUBLIC_PAGE},
    "sitemap/": {"url": "/sitemap/", **PUBLIC_PAGE},
    "lists/": {"url": "/lists/", **PUBLIC_PAGE},
    "lists/<slug:code>/": {"url": "/lists/samr_serious_violation/", **PUBLIC_PAGE},
    # The world's entry is at 告知 (not public): its self-check is not found for anyone.
    "lists/<slug:code>/entries/<str:token>/repair/": {
        "url": "/lists/samr_serious_violation/entries/{entry_token}/repair/",
        "GET": ALL(404),
        WRITE: ALL(405),
    },
    # Its application form likewise: no role reaches an entry the public may not see.
    "lists/<slug:code>/entries/<str:token>/repair/apply/": {
        "url": "/lists/samr_serious_violation/entries/{entry_token}/repair/apply/",
        "GET": ALL(404),
        WRITE: ALL(404),
    },
    # The information catalog is for staff (templates and dictionaries), read by every role.
    "catalog/": {"url": "/catalog/", "GET": STAFF_READ, WRITE: STAFF_READ},
    "catalog/<slug:code>/": {"url": "/catalog/penalty/", "GET": STAFF_READ, WRITE: STAFF_READ},
    "catalog/<slug:code>/template.xlsx": {
        "url": "/catalog/penalty/template.xlsx",
        "GET": STAFF_READ,
        WRITE: STAFF_READ,
    },
    # --- console: login and home ----------------------------------------------------------
    # Signed-in users are sent on; an empty login form comes back with its errors.
    "console/login/": {
        "url": "/console/login/",
        "GET": R(200, 302, 302, 302, 302),
        WRITE: R(200, 302, 302, 302, 302),
    },
    "console/logout/": {"url": "/console/logout/", "GET": ALL(405), WRITE: ALL(302)},
    # Everyone signed in changes their own password (auditors too: it is their account, not
    # platform data); an empty form is answered with its errors.
    # A subject's profile as sharing and the reader's own department see it (access-logged).
    "console/subjects/<str:public_id>/": {
        "url": "/console/subjects/{company}/",
        "GET": STAFF_READ,
        WRITE: ALL(405),
    },
    "console/password/": {
        "url": "/console/password/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 200, 200, 200, 200),
    },
    "console/": {
        "url": "/console/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 200, 200, 200, 200),
    },
    # --- console: data collection ----------------------------------------------------------
    "console/upload/": {
        "url": "/console/upload/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/batches/": {
        "url": "/console/batches/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 200, 200, 200, 200),
    },
    "console/batches/<uuid:public_id>/": {
        "url": "/console/batches/{batch}/",
        "GET": R(LOGIN, 200, 404, 404, 200),
        WRITE: R(LOGIN, 200, 404, 404, 200),
    },
    "console/batches/<uuid:public_id>/status/": {
        "url": "/console/batches/{batch}/status/",
        "GET": R(LOGIN, 200, 404, 404, 200),
        WRITE: R(LOGIN, 200, 404, 404, 200),
    },
    "console/batches/<uuid:public_id>/report.xlsx": {
        "url": "/console/batches/{batch}/report.xlsx",
        "GET": R(LOGIN, 200, 404, 404, 200),
        WRITE: R(LOGIN, 200, 404, 404, 200),
    },
    "console/batches/<uuid:public_id>/report.csv": {
        "url": "/console/batches/{batch}/report.csv",
        "GET": R(LOGIN, 200, 404, 404, 200),
        WRITE: R(LOGIN, 200, 404, 404, 200),
    },
    # The error-rows file holds ID numbers in clear: the sending department only (the
    # credit admin did not upload this batch). The fixture's batch has no error rows, so
    # the owner is sent back to the batch page with the reason (tests/collection/
    # test_round_trip.py downloads one).
    "console/batches/<uuid:public_id>/error-rows/": {
        "url": "/console/batches/{batch}/error-rows/",
        "GET": R(LOGIN, 302, 404, 404, 403),
        WRITE: ALL(405),
    },
    # --- console: credit checks ------------------------------------------------------------
    "console/checks/": {
        "url": "/console/checks/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 200, 200, 200, 200),
    },
    "console/checks/new/": {
        "url": "/console/checks/new/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/checks/batch/": {
        "url": "/console/checks/batch/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/checks/batch/template.xlsx": {
        "url": "/console/checks/batch/template.xlsx",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/checks/overdue/": {
        "url": "/console/checks/overdue/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/checks/stats/": {
        "url": "/console/checks/stats/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/checks/<int:check_id>/": {
        "url": "/console/checks/{check}/",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 200, 404, 200, 200),
    },
    "console/checks/<int:check_id>/export.xlsx": {
        "url": "/console/checks/{check}/export.xlsx",
        "GET": R(LOGIN, 200, 404, 403, 200),
        WRITE: R(LOGIN, 200, 404, 403, 200),
    },
    "console/checks/<int:check_id>/feedback/": {
        "url": "/console/checks/{check}/feedback/",
        "GET": R(LOGIN, 403, 403, 403, 403),
        WRITE: R(LOGIN, 200, 404, 403, 200),
    },
    # --- console: red and black lists ------------------------------------------------------
    "console/lists/": {
        "url": "/console/lists/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/lists/new/": {
        "url": "/console/lists/new/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/lists/enter/": {
        "url": "/console/lists/enter/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 200, 200, 403, 200),
    },
    "console/lists/<int:entry_id>/": {
        "url": "/console/lists/{entry}/",
        "GET": R(LOGIN, 200, 404, 403, 200),
        WRITE: R(LOGIN, 200, 404, 403, 200),
    },
    "console/lists/<int:entry_id>/waiver-material/": {
        "url": "/console/lists/{entry}/waiver-material/",
        "GET": R(LOGIN, 200, 404, 403, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/lists/<int:entry_id>/<slug:action>/": {
        "url": "/console/lists/{entry}/withdraw/",
        "GET": R(LOGIN, 405, 405, 405, 405),
        WRITE: R(LOGIN, 400, 404, 403, 400),
    },
    # --- console: credit reports (register: credit office and auditor; special reports:
    # credit office, an empty form refused with its errors) --------------------------------
    "console/reports/": {
        "url": "/console/reports/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/reports/special/": {
        "url": "/console/reports/special/",
        "GET": R(LOGIN, 403, 403, 403, 200),
        WRITE: R(LOGIN, 403, 403, 403, 400),
    },
    "console/reports/<str:number>/download/": {
        "url": "/console/reports/{report}/download/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    # Special-report applications (issue 14): the credit office decides, the auditor reads.
    # The fixture's application was refused, so deciding again is refused (400).
    "console/reports/applications/": {
        "url": "/console/reports/applications/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/reports/applications/<int:request_id>/": {
        "url": "/console/reports/applications/{special_request}/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/reports/applications/<int:request_id>/materials/<int:material_id>/": {
        "url": "/console/reports/applications/{special_request}/materials/{special_material}/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/reports/applications/<int:request_id>/accept/": {
        "url": "/console/reports/applications/{special_request}/accept/",
        "GET": R(LOGIN, 405, 405, 405, 405),
        WRITE: R(LOGIN, 403, 403, 403, 400),
    },
    "console/reports/applications/<int:request_id>/reject/": {
        "url": "/console/reports/applications/{special_request}/reject/",
        "GET": R(LOGIN, 405, 405, 405, 405),
        WRITE: R(LOGIN, 403, 403, 403, 400),
    },
    # --- console: 双随机抽查 (issue 14): departments draw for themselves and read their own
    # draws, the credit office for any, auditors read every draw and draw nothing. An empty
    # draw form comes back with its errors (400).
    "console/supervision/": {
        "url": "/console/supervision/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/supervision/new/": {
        "url": "/console/supervision/new/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 400, 400, 403, 400),
    },
    "console/supervision/<int:draw_id>/": {
        "url": "/console/supervision/{sample}/",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/supervision/<int:draw_id>/export.xlsx": {
        "url": "/console/supervision/{sample}/export.xlsx",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    # --- console: 本单位记录 (issue 13) -----------------------------------------------------
    # Every department's operators list their own records (another department's list is
    # empty, its records do not exist for them); the credit office and auditors see all,
    # auditors read only. An empty action form comes back with its errors (400).
    "console/records/": {
        "url": "/console/records/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 200, 200, 200, 200),
    },
    "console/records/<int:record_id>/": {
        "url": "/console/records/{record_id}/",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 200, 404, 200, 200),
    },
    "console/records/<int:record_id>/withdraw/": {
        "url": "/console/records/{record_id}/withdraw/",
        "GET": R(LOGIN, 200, 404, 403, 200),
        WRITE: R(LOGIN, 400, 404, 403, 400),
    },
    "console/records/<int:record_id>/correct/": {
        "url": "/console/records/{record_id}/correct/",
        "GET": R(LOGIN, 200, 404, 403, 200),
        WRITE: R(LOGIN, 400, 404, 403, 400),
    },
    # --- console: 承诺核查 (issue 13) ---------------------------------------------------------
    # Like 本单位记录: each department its own commitments, the office and auditors all;
    # auditors never register or verify. An empty form comes back with its errors (400).
    "console/commitments/": {
        "url": "/console/commitments/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/commitments/new/": {
        "url": "/console/commitments/new/",
        "GET": R(LOGIN, 200, 200, 403, 200),
        WRITE: R(LOGIN, 400, 400, 403, 400),
    },
    "console/commitments/<int:commitment_id>/": {
        "url": "/console/commitments/{commitment}/",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 400, 404, 403, 400),
    },
    # --- console: subject review queue (credit office; auditors read) ----------------------
    "console/review/": {
        "url": "/console/review/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/review/subjects/<str:public_id>/": {
        "url": "/console/review/subjects/{company}/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    # An empty form: refused with its errors (400) once the caller may decide.
    "console/review/subjects/<str:public_id>/decide/": {
        "url": "/console/review/subjects/{company}/decide/",
        "GET": R(LOGIN, 405, 405, 405, 405),
        WRITE: R(LOGIN, 403, 403, 403, 400),
    },
    "console/review/names/<int:seen_id>/": {
        "url": "/console/review/names/{name_seen}/",
        "GET": R(LOGIN, 405, 405, 405, 405),
        WRITE: R(LOGIN, 403, 403, 403, 400),
    },
    "console/review/merges/": {
        "url": "/console/review/merges/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/review/merges/<int:merge_id>/undo/": {
        "url": "/console/review/merges/{merge}/undo/",
        "GET": R(LOGIN, 405, 405, 405, 405),
        WRITE: R(LOGIN, 403, 403, 403, 400),
    },
    # --- console: objections (credit office all, a department its 协查 items) -------------
    # The fixture's objection is at 协查 with the owner's department.
    "console/objections/": {
        "url": "/console/objections/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    # Window entry is the credit office's; an empty form comes back with its errors.
    "console/objections/window/": {
        "url": "/console/objections/window/",
        "GET": R(LOGIN, 403, 403, 403, 200),
        WRITE: R(LOGIN, 403, 403, 403, 400),
    },
    "console/objections/<int:objection_id>/": {
        "url": "/console/objections/{objection}/",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    # Materials: the deciding department, the credit office and the auditor (logged).
    "console/objections/<int:objection_id>/materials/<int:material_id>/": {
        "url": "/console/objections/{objection}/materials/{material}/",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    # 协查 without an outcome: refused with the reason (400) once the caller may verify.
    "console/objections/<int:objection_id>/<slug:action>/": {
        "url": "/console/objections/{objection}/verify/",
        "GET": R(LOGIN, 405, 405, 405, 405),
        WRITE: R(LOGIN, 400, 404, 403, 400),
    },
    # --- portal: due-process applications (public; empty forms come back with errors) ---
    "objections/new/<str:token>/": {
        "url": "/objections/new/{record}/",
        "GET": ALL(200),
        WRITE: ALL(400),
    },
    "applications/status/": {"url": "/applications/status/", "GET": ALL(200), WRITE: ALL(400)},
    # The issued special report, by tracking number and query code posted (never in a URL).
    "applications/status/report.pdf": {
        "url": "/applications/status/report.pdf",
        "GET": ALL(405),
        WRITE: ALL(400),
    },
    "reports/special/apply/": {"url": "/reports/special/apply/", "GET": ALL(200), WRITE: ALL(400)},
    # --- console: audit trail --------------------------------------------------------------
    "console/audit/changes/": {
        "url": "/console/audit/changes/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 403, 403, 200, 200),
    },
    "console/audit/access/": {
        "url": "/console/audit/access/",
        "GET": R(LOGIN, 403, 403, 200, 200),
        WRITE: R(LOGIN, 403, 403, 200, 200),
    },
    # --- admin: the entry and the kinds of screen behind it --------------------------------
    "admin/": {
        "url": "/admin/",
        "GET": R(LOGIN, LOGIN, LOGIN, 200, 200),
        WRITE: R(LOGIN, LOGIN, LOGIN, 200, 200),
        "more": {
            "/admin/audit/changelog/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 200, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 200, 200),
            },
            "/admin/accounts/user/add/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            "/admin/accounts/department/{department}/change/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            "/admin/core/holiday/add/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            "/admin/core/holiday/paste/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            "/admin/records/publicityrule/add/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            # The outbox's deliveries (issue 12): platform operation, the credit office's
            # alone (read-only; its "retry now" action is the only write).
            "/admin/facts/factdelivery/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            # The register of issued reports: read only, even for the credit admin.
            "/admin/reports/creditreport/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            # API tokens (issue 11). The client is disabled: issuing is refused by the
            # service (the form comes back with the reason); its token is already revoked,
            # so revoking again changes nothing and returns to the client's page.
            "/admin/accounts/apiclient/{apiclient}/issue-token/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            "/admin/accounts/apiclient/{apiclient}/tokens/{apitoken}/revoke/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 302),
            },
            # Defining a dataset or a new version of one (issue 12): the credit admin only
            # (an empty form comes back with its errors). Exporting a definition as YAML
            # follows the admin's view permission on datasets, which auditors are not given
            # (they read the catalog on /catalog/); nobody posts to it.
            "/admin/catalog/dataset/define/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            "/admin/catalog/dataset/{dataset}/define/": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
            "/admin/catalog/dataset/{dataset}/export.yaml": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 405, 405),
            },
            # The credit office's list of expiring tokens (auditors have no view of tokens).
            "/admin/accounts/apitoken/?expiry=soon": {
                "GET": R(LOGIN, LOGIN, LOGIN, 403, 200),
                WRITE: R(LOGIN, LOGIN, LOGIN, 403, 200),
            },
        },
    },
    # --- API -------------------------------------------------------------------------------
    "api/v1/": {"url": "/api/v1/", "GET": ALL(404, api=True), WRITE: ALL(404, api=True)},
    # The documentation is public and read-only (ninja answers any method with the page).
    "api/v1/docs": {"url": "/api/v1/docs", "GET": ALL(200, api=True), WRITE: ALL(200, api=True)},
    "api/v1/openapi.json": {
        "url": "/api/v1/openapi.json",
        "GET": ALL(200, api=True),
        WRITE: ALL(200, api=True),
    },
    "api/<path:rest>": {
        "url": "/api/v2/nothing",
        "GET": ALL(404, api=True),
        WRITE: ALL(404, api=True),
    },
    "api/v1/batches": {
        "url": "/api/v1/batches",
        "GET": ALL(405, api=True),
        WRITE: R(401, 404, 404, 403, 404, **T(404, 403, 403)),
        "body": "batch_upload",
    },
    "api/v1/batches/<batch_id>": {
        "url": "/api/v1/batches/{batch}",
        "GET": R(401, 200, 404, 403, 200, **T(200, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/batches/<batch_id>/report": {
        "url": "/api/v1/batches/{batch}/report?format=csv",
        "GET": R(401, 200, 404, 403, 200, **T(200, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    # As in the console; 409: the fixture's batch has no error rows.
    "api/v1/batches/<batch_id>/error-rows": {
        "url": "/api/v1/batches/{batch}/error-rows",
        "GET": R(401, 409, 404, 403, 403, **T(409, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/records": {
        "url": "/api/v1/records",
        "GET": ALL(405, api=True),
        WRITE: R(401, 404, 404, 403, 404, **T(404, 403, 403)),
        "body": "push",
    },
    # A department's own records (issue 13), scope records:write. The writes' bodies pass
    # the route's validation and are refused by the service: a judgment without its number
    # (400), a field the dataset does not have (422).
    "api/v1/records/mine": {
        "url": "/api/v1/records/mine",
        "GET": R(401, 200, 200, 403, 200, **T(200, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/records/<record_id>": {
        "url": "/api/v1/records/{record_id}",
        "GET": R(401, 200, 404, 403, 200, **T(200, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/records/<record_id>/withdraw": {
        "url": "/api/v1/records/{record_id}/withdraw",
        "GET": ALL(405, api=True),
        WRITE: R(401, 400, 404, 403, 400, **T(400, 403, 403)),
        "body": "withdraw",
    },
    "api/v1/records/<record_id>/correct": {
        "url": "/api/v1/records/{record_id}/correct",
        "GET": ALL(405, api=True),
        WRITE: R(401, 422, 404, 403, 422, **T(422, 403, 403)),
        "body": "correct",
    },
    # Commitments (issue 13), scope commitments:write (none of the single-scope tokens has
    # it). Writes: an unknown accepting department (404), a 失信 without its facts (400).
    "api/v1/commitments": {
        "url": "/api/v1/commitments",
        "GET": R(401, 200, 200, 403, 200, **T(403, 403, 403)),
        WRITE: R(401, 404, 404, 403, 404, **T(403, 403, 403)),
        "body": "commitment",
    },
    "api/v1/commitments/<commitment_id>": {
        "url": "/api/v1/commitments/{commitment}",
        "GET": R(401, 200, 404, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/commitments/<commitment_id>/verify": {
        "url": "/api/v1/commitments/{commitment}/verify",
        "GET": ALL(405, api=True),
        WRITE: R(401, 400, 404, 403, 400, **T(403, 403, 403)),
        "body": "verify",
    },
    "api/v1/public/subjects": {
        "url": "/api/v1/public/subjects?q=钢铁",
        "GET": ALL(200, api=True),
        WRITE: ALL(405, api=True),
    },
    "api/v1/public/subjects/<public_id>": {
        "url": "/api/v1/public/subjects/{company}",
        "GET": ALL(200, api=True),
        WRITE: ALL(405, api=True),
    },
    "api/v1/public/subjects/<public_id>/report.pdf": {
        "url": "/api/v1/public/subjects/{company}/report.pdf",
        "GET": ALL(200, api=True),
        WRITE: ALL(405, api=True),
    },
    "api/v1/public/reports/<number>": {
        "url": "/api/v1/public/reports/{report}",
        "GET": ALL(200, api=True),
        WRITE: ALL(405, api=True),
    },
    "api/v1/checks": {
        "url": "/api/v1/checks",
        "GET": ALL(405, api=True),
        WRITE: R(401, 400, 400, 403, 400, **T(403, 403, 400)),
        "body": "check",
    },
    "api/v1/checks/stats": {
        "url": "/api/v1/checks/stats",
        "GET": R(401, 200, 200, 403, 200, **T(403, 403, 200)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/checks/overdue": {
        "url": "/api/v1/checks/overdue",
        "GET": R(401, 200, 200, 403, 200, **T(403, 403, 200)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/checks/<check_id>": {
        "url": "/api/v1/checks/{check}",
        "GET": R(401, 200, 404, 403, 200, **T(403, 403, 200)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/checks/<check_id>/feedback": {
        "url": "/api/v1/checks/{check}/feedback",
        "GET": ALL(405, api=True),
        WRITE: R(401, 400, 404, 403, 403, **T(403, 403, 400)),
        "body": "feedback",
    },
    # A system's or a department's own notice stream; the auditor receives none.
    "api/v1/notices": {
        "url": "/api/v1/notices?after=0",
        "GET": R(401, 200, 200, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    # PUT only (tests/notices/test_webhook.py registers through it).
    "api/v1/notices/webhook": {
        "url": "/api/v1/notices/webhook",
        "GET": ALL(405, api=True),
        WRITE: ALL(405, api=True),
    },
    # Public: an empty multipart body is refused by validation; no query code, no status.
    "api/v1/public/objections": {
        "url": "/api/v1/public/objections",
        "GET": ALL(405, api=True),
        WRITE: ALL(422, api=True),
    },
    "api/v1/public/applications/<tracking_number>": {
        "url": "/api/v1/public/applications/YY202601010001",
        "GET": ALL(404, api=True),
        WRITE: ALL(405, api=True),
    },
    # Department systems (objections:handle; operators' sessions carry it, auditors' none).
    "api/v1/objections": {
        "url": "/api/v1/objections",
        "GET": R(401, 200, 200, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/objections/<objection_id>": {
        "url": "/api/v1/objections/{objection}",
        "GET": R(401, 200, 404, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    # The objection is at 协查: accepting it again is refused (400) for the office.
    "api/v1/objections/<objection_id>/accept": {
        "url": "/api/v1/objections/{objection}/accept",
        "GET": ALL(405, api=True),
        WRITE: R(401, 403, 404, 403, 400, **T(403, 403, 403)),
        "body": "empty_json",
    },
    "api/v1/objections/<objection_id>/reject": {
        "url": "/api/v1/objections/{objection}/reject",
        "GET": ALL(405, api=True),
        WRITE: R(401, 403, 404, 403, 400, **T(403, 403, 403)),
        "body": "empty_json",
    },
    "api/v1/objections/<objection_id>/self-check": {
        "url": "/api/v1/objections/{objection}/self-check",
        "GET": ALL(405, api=True),
        WRITE: R(401, 403, 404, 403, 400, **T(403, 403, 403)),
        "body": "empty_json",
    },
    # An unknown outcome: refused (400) once the caller may verify.
    "api/v1/objections/<objection_id>/verify": {
        "url": "/api/v1/objections/{objection}/verify",
        "GET": ALL(405, api=True),
        WRITE: R(401, 400, 404, 403, 400, **T(403, 403, 403)),
        "body": "bad_outcome",
    },
    "api/v1/shared/subjects/<key>/records": {
        "url": "/api/v1/shared/subjects/{company}/records?purpose=行政审批核查",
        "GET": R(401, 200, 200, 403, 200, **T(403, 200, 403)),
        WRITE: ALL(405, api=True),
    },
    # A subject's grade: every department (operators' role scopes include evaluations:read);
    # the auditor reads logs only; a token needs the scope evaluations:read.
    "api/v1/evaluations/<uscc>": {
        "url": "/api/v1/evaluations/{company_uscc}",
        "GET": R(401, 200, 200, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    # 双随机抽查 (issue 14), scope evaluations:read. The draw's body passes the route's
    # validation and is refused by the service (an empty list of subjects: 400).
    "api/v1/samples": {
        "url": "/api/v1/samples",
        "GET": ALL(405, api=True),
        WRITE: R(401, 400, 400, 403, 400, **T(403, 403, 403)),
        "body": "sample",
    },
    "api/v1/samples/<sample_id>": {
        "url": "/api/v1/samples/{sample}",
        "GET": R(401, 200, 404, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/samples/<sample_id>/xlsx": {
        "url": "/api/v1/samples/{sample}/xlsx",
        "GET": R(401, 200, 404, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    # --- 信用修复 (issue 13) ------------------------------------------------------------------
    # The public self-check and portal page; the console queue of the deciding department
    # (the credit office and auditors see all, auditors act on nothing); the department API,
    # scope repairs:decide (operators hold it through their role; the tokens here do not).
    # The fixture's application is accepted already: accept, reject and revoke are refused
    # for its state (409), extend and decide for their empty reason (400) — nothing changes.
    "publicity/records/<str:token>/repair/": {
        "url": "/publicity/records/{record}/repair/",
        **PUBLIC_PAGE,
    },
    "api/v1/public/repairs/eligibility": {
        "url": "/api/v1/public/repairs/eligibility?record={record}",
        "GET": ALL(200, api=True),
        WRITE: ALL(405, api=True),
    },
    "console/repairs/": {
        "url": "/console/repairs/",
        "GET": R(LOGIN, 200, 200, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/repairs/<str:tracking_number>/": {
        "url": "/console/repairs/{repair}/",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/repairs/<str:tracking_number>/<slug:action>/": {
        "url": "/console/repairs/{repair}/reject/",
        "GET": R(LOGIN, 405, 405, 405, 405),
        WRITE: R(LOGIN, 400, 404, 403, 400),
    },
    "console/repair-notices/record/<int:record_id>/": {
        "url": "/console/repair-notices/record/{record_id}/",
        "GET": R(LOGIN, 200, 403, 403, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "console/repair-notices/entry/<int:entry_id>/": {
        "url": "/console/repair-notices/entry/{entry}/",
        "GET": R(LOGIN, 200, 403, 403, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    "api/v1/repairs": {
        "url": "/api/v1/repairs",
        "GET": R(401, 200, 200, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/repairs/<tracking_number>": {
        "url": "/api/v1/repairs/{repair}",
        "GET": R(401, 200, 404, 403, 200, **T(403, 403, 403)),
        WRITE: ALL(405, api=True),
    },
    "api/v1/repairs/<tracking_number>/accept": {
        "url": "/api/v1/repairs/{repair}/accept",
        "GET": ALL(405, api=True),
        WRITE: R(401, 409, 404, 403, 409, **T(403, 403, 403)),
        "body": "repair_note",
    },
    "api/v1/repairs/<tracking_number>/reject": {
        "url": "/api/v1/repairs/{repair}/reject",
        "GET": ALL(405, api=True),
        WRITE: R(401, 409, 404, 403, 409, **T(403, 403, 403)),
        "body": "repair_reason",
    },
    "api/v1/repairs/<tracking_number>/extend": {
        "url": "/api/v1/repairs/{repair}/extend",
        "GET": ALL(405, api=True),
        WRITE: R(401, 400, 404, 403, 400, **T(403, 403, 403)),
        "body": "repair_reason",
    },
    "api/v1/repairs/<tracking_number>/decide": {
        "url": "/api/v1/repairs/{repair}/decide",
        "GET": ALL(405, api=True),
        WRITE: R(401, 400, 404, 403, 400, **T(403, 403, 403)),
        "body": "repair_decide",
    },
    "api/v1/repairs/<tracking_number>/revoke": {
        "url": "/api/v1/repairs/{repair}/revoke",
        "GET": ALL(405, api=True),
        WRITE: R(401, 409, 404, 403, 409, **T(403, 403, 403)),
        "body": "repair_revoke",
    },
    # The public repair application (form and API): the fixture's record is not repairable
    # yet, so the form is shown with the date from which it may be made and a post is
    # refused (409), nothing stored; an empty multipart body fails validation (422).
    # Materials: the deciding department, the credit office and the auditor (access-logged).
    "publicity/records/<str:token>/repair/apply/": {
        "url": "/publicity/records/{record}/repair/apply/",
        "GET": ALL(200),
        WRITE: ALL(409),
    },
    "api/v1/public/repairs": {
        "url": "/api/v1/public/repairs",
        "GET": ALL(405, api=True),
        WRITE: ALL(422, api=True),
    },
    "console/repairs/<str:tracking_number>/materials/<int:material_id>/": {
        "url": "/console/repairs/{repair}/materials/{repair_material}/",
        "GET": R(LOGIN, 200, 404, 200, 200),
        WRITE: R(LOGIN, 405, 405, 405, 405),
    },
    # Window entry of a paper repair application is the credit office's; an empty form
    # comes back with its errors.
    "console/repairs/window/": {
        "url": "/console/repairs/window/",
        "GET": R(LOGIN, 403, 403, 403, 200),
        WRITE: R(LOGIN, 403, 403, 403, 400),
    },
}


def walked_patterns() -> list[str]:
    """Every URL pattern of the project; the admin site counts as one entry (its screens
    follow the admin's own permission checks, sampled under "more")."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    yield route
                else:
                    yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return list(walk(get_resolver().url_patterns))


def _bodies(objects) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        # A dataset nobody may report: refused after the permission check (404), never
        # stored.
        "batch_upload": lambda: {
            "data": {
                "dataset": "no_such_dataset",
                "file": SimpleUploadedFile("a.csv", "行政相对人名称\n甲\n".encode("gb18030")),
            }
        },
        "push": lambda: {
            "data": {"dataset": "no_such_dataset", "items": [{"行政相对人名称": "甲"}]},
            "content_type": "application/json",
        },
        "check": lambda: {
            "data": {
                "scenario": "no_such_scenario",
                "purpose": "测试核查",
                "subjects": [{"name": "本溪市某公司"}],
            },
            "content_type": "application/json",
        },
        "withdraw": lambda: {
            "data": {"reason": "权限矩阵测试", "basis": "judgment"},
            "content_type": "application/json",
        },
        "correct": lambda: {
            "data": {"reason": "权限矩阵测试", "changes": {"没有的字段": "x"}},
            "content_type": "application/json",
        },
        "repair_note": lambda: {"data": {"note": ""}, "content_type": "application/json"},
        "repair_reason": lambda: {"data": {"reason": ""}, "content_type": "application/json"},
        "repair_revoke": lambda: {
            "data": {"reason": "", "document_number": ""},
            "content_type": "application/json",
        },
        "repair_decide": lambda: {
            "data": {"outcome": "refuse", "reason": ""},
            "content_type": "application/json",
        },
        "empty_json": lambda: {"data": {}, "content_type": "application/json"},
        "bad_outcome": lambda: {
            "data": {"outcome": "nonsense", "note": ""},
            "content_type": "application/json",
        },
        "commitment": lambda: {
            "data": {
                "subject": {"name": "矩阵测试公司", "kind": "法人及非法人组织"},
                "kind": "voluntary",
                "made_on": "2026-11-02",
                "matter": "守法经营",
                "reason": "权限矩阵测试",
                "text": "权限矩阵测试",
                "department": 999_999,
            },
            "content_type": "application/json",
        },
        "verify": lambda: {"data": {"result": "broken"}, "content_type": "application/json"},
        # A measure the check did not apply: refused (400) after the permission check.
        "feedback": lambda: {
            "data": {"items": [{"index": 0, "measure": "NO-SUCH", "applied": True}]},
            "content_type": "application/json",
        },
        # No subjects to draw from: refused (400) after the permission check.
        "sample": lambda: {
            "data": {"population": "listed", "subjects": []},
            "content_type": "application/json",
        },
    }


@pytest.fixture
def world(db, scjg, sthj, tmp_path, operator_user, other_operator, auditor_user, admin_user):
    """Real objects owned by the market regulator (the owning operator's department)."""
    portal = load_portal_data(scjg, tmp_path)
    batch = Batch.objects.filter(department=scjg, state="done").order_by("id").first()
    owner = Actor.for_user(operator_user)
    check = run_check(owner, "bidding", [{"uscc": portal.company.uscc}], purpose="权限矩阵测试")
    entry = list_services.notify(
        owner,
        ListType.objects.get(code="samr_serious_violation"),
        portal.company,
        "本市监告〔2026〕77号",
        dt.date.today() - dt.timedelta(days=3),
        "权限矩阵测试",
    )
    # A written waiver with its scan, so the material's page has something to show.
    list_services.waive_statement(
        owner,
        entry,
        dt.date.today() - dt.timedelta(days=2),
        "矩阵放弃书〔2026〕1号",
        SimpleUploadedFile("waiver.pdf", b"%PDF-1.4 matrix", content_type="application/pdf"),
    )
    system = Actor.system("测试")
    name_seen, merge = _review_objects(system, portal.company)
    report, _pdf = report_services.public_report(system, portal.company)
    evaluation.load_model(system)
    evaluation.evaluate([portal.company.pk])
    repair = _accepted_repair(scjg, tmp_path, owner)
    objection = _objection_at_verification(portal, Actor.for_user(admin_user))
    special_request = _special_report_refused(Actor.for_user(admin_user))
    commitment = _commitment(scjg)
    sample = supervision_services.draw_sample(
        owner, department_id=None, population_kind="listed", subjects=[portal.company.uscc]
    )
    tokens = {}
    for name, scope in (
        ("tok_write", Scope.RECORDS_WRITE),
        ("tok_read", Scope.RECORDS_READ),
        ("tok_check", Scope.CHECKS_RUN),
    ):
        client = accounts.create_client(system, f"矩阵测试{name}", scjg, [scope])
        tokens[name] = accounts.issue_token(system, client)
    retired = accounts.create_client(system, "矩阵测试停用系统", scjg, [Scope.RECORDS_READ])
    retired_token = retired.tokens.get(key_id=accounts.issue_token(system, retired).split("_")[1])
    accounts.revoke_token(system, retired_token.pk)
    accounts.disable_client(system, retired)
    return {
        "values": {
            "batch": batch.public_id,
            "check": check.pk,
            "entry": entry.pk,
            "entry_token": entry_token(entry.pk),
            "company": portal.company.public_id,
            "company_uscc": portal.company.uscc,
            "record": record_token(portal.public_penalty.pk),
            "record_id": portal.public_penalty.pk,
            "department": scjg.pk,
            "dataset": Dataset.objects.get(code="penalty").pk,
            "apiclient": retired.pk,
            "apitoken": retired_token.pk,
            "name_seen": name_seen.pk,
            "merge": merge.pk,
            "report": report.number,
            "repair": repair.tracking_number,
            "repair_material": repair.application.materials.get().pk,
            "objection": objection.pk,
            "material": objection.application.materials.get().pk,
            "special_request": special_request.pk,
            "special_material": special_request.application.materials.get().pk,
            "commitment": commitment.pk,
            "sample": sample.pk,
        },
        "users": {
            "owner": operator_user,
            "other": other_operator,
            "auditor": auditor_user,
            "admin": admin_user,
        },
        "tokens": tokens,
    }


def _accepted_repair(scjg, tmp_path, owner):
    """An accepted repair application for a penalty of the company past its minimum period,
    imported through the real path."""
    from credit.repairs import services as repairs
    from tests.portal.conftest import _company_penalty
    from tests.repairs.conftest import import_rows

    decided = dt.date.today() - dt.timedelta(days=130)
    import_rows(scjg, tmp_path, [_company_penalty(971, decided, "罚款三千元")], name="m.csv")
    record = Record.objects.get(doc_number="本市监罚〔2026〕971号")
    app, _code = repairs.submit(
        Actor.system("测试"),
        record,
        applicant_name="李四",
        applicant_phone="13800000000",
        commitment_signed_name="李四",
        commitment_accepted=True,
        uploads=[SimpleUploadedFile("罚款缴纳凭证.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    return repairs.accept(owner, app, "权限矩阵测试")


def _objection_at_verification(portal, office):
    """An objection to the owner's public penalty, accepted and sent to it for 协查."""
    from credit.objections import services as objections
    from tests.objections.conftest import company_party, pdf

    objection, _ = objections.submit(
        Actor(label="公众申请人"),
        kind="record",
        fact_id=portal.public_penalty.pk,
        party=company_party(),
        reason="权限矩阵测试",
        uploads=[pdf()],
        channel="portal",
    )
    objections.accept(office, objection)
    return objections.self_check(office, objection, False, "转协查")


def _special_report_refused(office):
    """A special-report application of the owner's company, refused (不予受理)."""
    from credit.reports import applications as report_applications
    from credit.reports.domains import seed_domains
    from credit.reports.models import ReportDomain
    from tests.objections.conftest import company_party, pdf

    seed_domains(Actor.system("测试"))
    request, _ = report_applications.submit(
        Actor(label="公众申请人"),
        party=company_party(),
        period_from=None,
        period_to=None,
        domain_ids=[ReportDomain.objects.get(code="market").pk],
        uploads=[pdf()],
    )
    return report_applications.reject(office, request, "权限矩阵测试")


def _commitment(department):
    """A commitment accepted by the market regulator, sent through the pipeline."""
    from credit.collection import services as collection
    from credit.commitments.models import Commitment
    from tests.commitments.samples import commitment_row

    row = commitment_row(1, made=dt.date(2026, 9, 30))
    collection.submit_rows(
        Actor.system(), dataset_code="commitment", department=department, items=[row]
    )
    return Commitment.objects.get(code=row["承诺编码"])


def _review_objects(system, company):
    """A differing name seen for the company and a merge of two name-only subjects."""
    from django.utils import timezone

    from credit.review import services as review
    from credit.subjects.models import Subject, SubjectNameSeen

    seen = SubjectNameSeen.objects.create(
        subject=company,
        name="矩阵测试另一名称",
        name_norm="矩阵测试另一名称",
        first_seen_at=timezone.now(),
    )
    one, two = (
        Subject.objects.create(
            public_id=f"MATRIX{n}".ljust(22, "0"),
            kind="sole_trader",
            name="矩阵测试烧烤店",
            name_norm="矩阵测试烧烤店",
            verified=False,
            needs_review=True,
        )
        for n in (1, 2)
    )
    return seen, review.merge_subjects(system, one, two, "权限矩阵测试")


def _call(world, clients: dict, who: str, method: str, url: str, body: str | None) -> int:
    """One request as `who`; each role keeps one signed-in client (logging out ends its
    session, so that client signs in again)."""
    client = clients.get(who)
    if client is None:
        client = clients[who] = Client()
        if who in world["users"]:
            client.force_login(world["users"][who])
    headers = {}
    if who in world["tokens"]:
        headers["Authorization"] = f"Bearer {world['tokens'][who]}"
    kwargs = _bodies(world)[body]() if (body and method == WRITE) else {}
    if method == "GET":
        response = client.get(url, headers=headers)
    elif "content_type" in kwargs:
        response = client.post(
            url, kwargs["data"], content_type=kwargs["content_type"], headers=headers
        )
    else:
        response = client.post(url, kwargs.get("data", {}), headers=headers)
    if url.startswith("/console/logout/"):
        clients.pop(who)
    return response.status_code


def test_every_url_pattern_is_in_the_table():
    walked = set(walked_patterns())
    assert not walked - TABLE.keys(), (
        f"URL patterns missing from the role table: {walked - TABLE.keys()}"
    )
    assert not TABLE.keys() - walked, f"table rows without a URL pattern: {TABLE.keys() - walked}"


def test_role_action_matrix(world, settings):
    # The portal's rate limit is not what this test is about.
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_REPORT_PER_MINUTE = 0
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000_000
    values = world["values"]
    wrong, seen, clients = [], [], {}
    for key, row in TABLE.items():
        targets = [(row["url"], row)]
        targets += list(row.get("more", {}).items())
        for url_template, spec in targets:
            url = url_template.format(**values)
            for method in ("GET", WRITE):
                for who, expected in spec[method].items():
                    got = _call(world, clients, who, method, url, row.get("body"))
                    seen.append((key, url, method, who, got))
                    if got != expected:
                        wrong.append(f"{method} {url} as {who}: {got}, expected {expected}")
    if os.environ.get("ROLE_MATRIX_PRINT"):
        for item in seen:
            print(*item)
    assert not wrong, "\n".join(wrong)
