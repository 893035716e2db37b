import pytest
from django.core.management import call_command


@pytest.fixture
def catalog(db):
    call_command("load_catalog", verbosity=0)


@pytest.fixture
def run_file(catalog, tmp_path):
    """Import a file through the real collection service synchronously."""
    from credit.collection import services
    from credit.core.actors import Actor

    def run(dept, path, dataset="penalty", actor=None):
        return services.submit_file(
            actor or Actor.system(),
            dataset_code=dataset,
            department=dept,
            fileobj=path,
            filename=path.name,
            policy="reject_all",
            dry_run=False,
            run_now=True,
        )

    return run
