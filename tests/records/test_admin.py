"""The credit office edits the rule table in the admin; each save is change-logged."""

import pytest

from credit.audit.models import ChangeLog
from credit.records.models import PublicityRule

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.admin_urls")]


def rule_form(rule, **changes):
    data = {
        "rule_key": rule.rule_key,
        "severity": rule.severity,
        "penalty_type": rule.penalty_type,
        "publish": rule.publish,
        "min_months": rule.min_months or "",
        "max_months": rule.max_months or "",
        "law_reference": rule.law_reference,
        "active": "on" if rule.active else "",
    }
    data.update(changes)
    return data


def test_credit_admin_edits_a_rule_and_it_is_logged(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    rule = PublicityRule.objects.get(rule_key="penalty_severity", severity="严重", penalty_type="")
    url = f"/admin/records/publicityrule/{rule.pk}/change/"
    assert client.get("/admin/records/publicityrule/").status_code == 200
    page = client.post(url, rule_form(rule, min_months=40))
    assert "最短公示期不能长于最长公示期" in page.content.decode()
    page = client.post(url, rule_form(rule, max_months=48))
    assert page.status_code == 302
    rule.refresh_from_db()
    assert rule.max_months == 48
    log = ChangeLog.objects.get(action="publicity_rule_saved")
    assert (log.actor_label, log.before["max_months"], log.after["max_months"]) == (
        admin_user.username,
        36,
        48,
    )


def test_operator_cannot_change_rules(client, operator_user):
    operator_user.is_staff = True
    operator_user.save()
    client.force_login(operator_user)
    rule = PublicityRule.objects.get(rule_key="penalty_severity", severity="一般", penalty_type="")
    page = client.post(
        f"/admin/records/publicityrule/{rule.pk}/change/", rule_form(rule, max_months=60)
    )
    assert page.status_code in (302, 403)
    rule.refresh_from_db()
    assert rule.max_months == 12
    assert not ChangeLog.objects.filter(action="publicity_rule_saved").exists()
