"""Credit checks moved to their own app (issue 12): measures forgets the three models.

State only: the tables stay where they are (`measures_creditcheck`, `measures_checksubject`,
`measures_feedback`) and `checks` takes them over with the same `db_table`
(checks/migrations/0001_kernel_checks_from_measures). Nothing is copied or dropped.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0008_integrity_scenario_departments"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Dependants first, so no state model points at a deleted one.
                migrations.DeleteModel(name="Feedback"),
                migrations.DeleteModel(name="CheckSubject"),
                migrations.DeleteModel(name="CreditCheck"),
            ],
            database_operations=[],
        ),
    ]
