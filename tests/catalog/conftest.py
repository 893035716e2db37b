import shutil
from pathlib import Path

import pytest

from credit.catalog.services import DEFINITIONS_DIR, load_definitions
from credit.core.actors import Actor


@pytest.fixture
def system():
    return Actor.system("test")


@pytest.fixture
def loaded(db, system):
    return load_definitions(system)


@pytest.fixture
def definitions_copy(tmp_path) -> Path:
    """A writable copy of the shipped definitions."""
    target = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, target)
    return target
