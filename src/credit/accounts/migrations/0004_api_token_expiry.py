"""Tokens issued before token lifetimes existed never expired.

Decision: each still-active token without an expiry gets one, CREDIT_API_TOKEN_DAYS
(default 365) after the upgrade, rather than expiring at once (every connected system
would stop on upgrade day) or never (a leaked token would work forever). They then show up
in the credit office's list of expiring tokens in time to issue replacements. Each change
is written to the change log like any other token change. With CREDIT_API_TOKEN_DAYS=0
nothing changes.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def give_old_tokens_a_lifetime(apps, schema_editor):
    days = getattr(settings, "CREDIT_API_TOKEN_DAYS", 365)
    if days <= 0:
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    ChangeLog = apps.get_model("audit", "ChangeLog")
    expires_at = timezone.now() + timedelta(days=days)
    for token in ApiToken.objects.filter(is_active=True, expires_at__isnull=True):
        token.expires_at = expires_at
        token.save(update_fields=["expires_at"])
        ChangeLog.objects.create(
            actor_label="系统（升级：令牌有效期）",
            action="api_token.set_expiry",
            object_type="ApiToken",
            object_id=str(token.pk),
            before={"key_id": token.key_id, "expires_at": None},
            after={"key_id": token.key_id, "expires_at": expires_at.isoformat()},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_deploysec_password_policy"),
        ("audit", "0004_privilege_client_request_id"),
    ]

    operations = [
        migrations.RunPython(give_old_tokens_a_lifetime, migrations.RunPython.noop),
    ]
