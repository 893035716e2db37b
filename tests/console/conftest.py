import pytest
from django.core.management import call_command


@pytest.fixture
def catalog(db):
    call_command("load_catalog", verbosity=0)


@pytest.fixture
def login(client, user_password):
    def as_user(user):
        assert client.login(username=user.username, password=user_password)
        return client

    return as_user
