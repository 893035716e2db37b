"""Credit checks take over their models from measures (issue 12) without moving data.

The models are created in Django's state only, on the tables they had in measures
(`db_table`), after measures has forgotten them (measures 0009): on SQLite and PostgreSQL
the tables, indexes, constraints and sequences are untouched. The content types follow the
models, so admin history and any permission granted on them stay attached.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import credit.core.brin
import credit.core.jsonfields

MODELS = ("creditcheck", "checksubject", "feedback")


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        # A fresh database has none yet (they are created after migrate); a database where
        # both exist keeps the target's and leaves the other to remove_stale_contenttypes.
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def content_types_to_checks(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, "measures", "checks")


def content_types_to_measures(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, "checks", "measures")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0004_api_token_expiry"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("measures", "0009_kernel_checks_moved_out"),
        ("subjects", "0003_review_merge"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="CreditCheck",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("actor_label", models.CharField(max_length=150, verbose_name="核查者")),
                        (
                            "purpose",
                            models.CharField(blank=True, max_length=200, verbose_name="核查事由"),
                        ),
                        ("created_at", models.DateTimeField(verbose_name="核查时间")),
                        (
                            "subject_count",
                            models.PositiveIntegerField(default=0, verbose_name="核查主体数"),
                        ),
                        (
                            "matched_count",
                            models.PositiveIntegerField(default=0, verbose_name="匹配主体数"),
                        ),
                        (
                            "hit_count",
                            models.PositiveIntegerField(default=0, verbose_name="命中主体数"),
                        ),
                        (
                            "measure_count",
                            models.PositiveIntegerField(default=0, verbose_name="适用措施数"),
                        ),
                        (
                            "feedback_due",
                            models.DateField(blank=True, null=True, verbose_name="反馈截止日"),
                        ),
                        (
                            "answer",
                            credit.core.jsonfields.ExactJSONField(verbose_name="核查结果"),
                        ),
                        (
                            "request_id",
                            models.CharField(blank=True, max_length=64, verbose_name="请求标识"),
                        ),
                        (
                            "client",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="accounts.apiclient",
                                verbose_name="调用系统",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="credit_checks",
                                to="accounts.department",
                                verbose_name="核查部门",
                            ),
                        ),
                        (
                            "scenario",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="measures.scenario",
                                verbose_name="业务场景",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="核查用户",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "信用核查",
                        "verbose_name_plural": "信用核查",
                        "db_table": "measures_creditcheck",
                        "ordering": ["-id"],
                        "indexes": [
                            models.Index(fields=["department", "id"], name="creditcheck_dept_id"),
                            credit.core.brin.TimeIndex(
                                fields=["created_at"], name="creditcheck_created_brin"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CheckSubject",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("position", models.PositiveIntegerField(verbose_name="序号")),
                        ("subject_label", models.CharField(max_length=200, verbose_name="主体名称")),
                        ("verdicts", models.JSONField(default=list, verbose_name="核查结论")),
                        (
                            "black_count",
                            models.PositiveIntegerField(default=0, verbose_name="黑名单条目数"),
                        ),
                        (
                            "red_count",
                            models.PositiveIntegerField(default=0, verbose_name="红名单条目数"),
                        ),
                        (
                            "record_count",
                            models.PositiveIntegerField(default=0, verbose_name="不良记录数"),
                        ),
                        (
                            "subject",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="subjects.subject",
                                verbose_name="信用主体",
                            ),
                        ),
                        (
                            "check_run",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="hits",
                                to="checks.creditcheck",
                                verbose_name="信用核查",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "核查命中主体",
                        "verbose_name_plural": "核查命中主体",
                        "db_table": "measures_checksubject",
                        "ordering": ["check_run", "position"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("check_run", "position"),
                                name="uniq_checksubject_position",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Feedback",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("measure_code", models.CharField(max_length=50, verbose_name="措施编号")),
                        ("due_date", models.DateField(db_index=True, verbose_name="反馈截止日")),
                        (
                            "applied",
                            models.BooleanField(blank=True, null=True, verbose_name="是否实施"),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="理由")),
                        ("result", models.TextField(blank=True, verbose_name="实施结果")),
                        (
                            "given_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="反馈时间"),
                        ),
                        (
                            "given_by",
                            models.CharField(blank=True, max_length=150, verbose_name="反馈人"),
                        ),
                        (
                            "check_run",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="feedback",
                                to="checks.creditcheck",
                                verbose_name="信用核查",
                            ),
                        ),
                        (
                            "check_subject",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="feedback",
                                to="checks.checksubject",
                                verbose_name="核查主体",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.department",
                                verbose_name="反馈部门",
                            ),
                        ),
                        (
                            "measure",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="measures.measure",
                                verbose_name="措施",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "措施反馈",
                        "verbose_name_plural": "措施反馈",
                        "db_table": "measures_feedback",
                        "ordering": ["check_run", "check_subject", "measure_code"],
                        "indexes": [
                            models.Index(
                                fields=["department", "given_at", "due_date"],
                                name="feedback_overdue",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("check_subject", "measure"),
                                name="uniq_feedback_subject_measure",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_checks, content_types_to_measures),
    ]
