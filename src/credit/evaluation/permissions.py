"""Who may do what with the evaluation."""

from __future__ import annotations


def can_edit_models(actor) -> bool:
    """Editing and publishing the model: the credit office's administrators (and the
    system, for the shipped default model)."""
    return bool(getattr(actor, "is_credit_admin", False))


def can_read_grades(actor) -> bool:
    """The grade and its explanation: every government user and system (grades are shared
    with departments); the public only through the portal switch."""
    return actor is not None and (
        actor.user is not None or actor.client is not None or actor.is_credit_admin
    )
