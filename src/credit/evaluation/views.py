"""What the pages show of a subject's grade (the console's subject page, the portal)."""

from __future__ import annotations

from django.urls import reverse

from credit.evaluation import queries

# The page that opens each kind of fact in the console.
FACT_PAGES = {"record": "dept_records:detail", "list_entry": "lists_console:detail"}


def _fact_link(fact: dict) -> dict:
    name = FACT_PAGES.get(fact["kind"])
    return {**fact, "url": reverse(name, args=[fact["id"]]) if name else ""}


def console_context(subject) -> dict | None:
    """The grade, its meaning, the explanation with links to the facts, and the history."""
    grade = queries.current_grade(subject.pk)
    if grade is None:
        return None
    explained = queries.explain(grade)
    for dimension in explained:
        for indicator in dimension["indicators"]:
            indicator["scored"] = any(rule["score"] for rule in indicator["rules"])
            for rule in indicator["rules"]:
                rule["facts"] = [_fact_link(f) for f in rule["facts"]]
    return {
        "grade": grade,
        "meaning": grade.model.bands.filter(grade=grade.grade)
        .values_list("meaning", flat=True)
        .first()
        or "",
        "dimensions": explained,
        "history": queries.history(subject.pk),
    }


def portal_context(public_id: str) -> dict | None:
    """The grade for the public profile, only when the credit office switched it on; the
    public sees the grade, its meaning and date, not the facts behind it (those the public
    may see are on the profile already)."""
    if not queries.portal_shows_grades():
        return None
    grade = queries.current_grade_by_public_id(public_id)
    if grade is None:
        return None
    return {
        "grade": grade,
        "meaning": grade.model.bands.filter(grade=grade.grade)
        .values_list("meaning", flat=True)
        .first()
        or "",
    }
