import pytest
from django.core.management import call_command


@pytest.fixture
def catalog(db):
    call_command("load_catalog", verbosity=0)


@pytest.fixture
def run_file(catalog, tmp_path):
    """Import a file through the real service synchronously; returns the finished batch."""
    from credit.collection import services
    from credit.core.actors import Actor

    def run(dept, path, policy="reject_all", dry_run=False, actor=None, dataset="penalty"):
        return services.submit_file(
            actor or Actor.system(),
            dataset_code=dataset,
            department=dept,
            fileobj=path,
            filename=path.name,
            policy=policy,
            dry_run=dry_run,
            run_now=True,
        )

    return run
