"""陈述申辩 is "statement" in code so that "objection" is free for 异议 (issue 12).

The procedure history (ListEntryEvent.action) is renamed with the fields so that queries by
action see old and new steps alike. The change log is append-only and keeps the old codes;
audit/labels.py labels both.
"""

from django.db import migrations

FIELDS = {
    "listtype": ["workdays"],
    "listentry": [
        "deadline",
        "waived",
        "waived_on",
        "waiver_number",
        "waiver_file",
        "waiver_file_name",
        "text",
        "answer",
        "recorded_at",
    ],
}
ACTIONS = {"objection": "statement", "waive_objection": "waive_statement"}


def _rename_actions(mapping):
    def run(apps, schema_editor):
        events = apps.get_model("lists", "ListEntryEvent").objects
        for old, new in mapping.items():
            events.filter(action=old).update(action=new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("lists", "0003_listproc_objection_waiver"),
    ]

    operations = [
        *(
            migrations.RenameField(model, f"objection_{suffix}", f"statement_{suffix}")
            for model, suffixes in FIELDS.items()
            for suffix in suffixes
        ),
        migrations.RunPython(
            _rename_actions(ACTIONS),
            _rename_actions({new: old for old, new in ACTIONS.items()}),
        ),
    ]
