"""Fixtures shared by the credit-check tests."""

import pytest

from credit.core.actors import Actor


@pytest.fixture
def actor(operator_user):
    """The market regulator's operator, as the services see them."""
    return Actor.for_user(operator_user)
