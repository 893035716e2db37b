import pytest

from credit.accounts import services
from credit.accounts.models import Department
from credit.audit.models import ChangeLog
from credit.core.errors import PermissionDenied
from credit.core.identifiers import is_valid_uscc, uscc_embedded_org_code_ok

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def gb32100_check(body17: str) -> str:
    """The standard's formula written out independently of credit.core.identifiers."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


@pytest.mark.parametrize("code", ["11210500MB1544202W", "11210500MB1544210P"])
def test_given_bureau_codes_pass_the_check(code):
    assert gb32100_check(code[:17]) == code[17]


def test_every_shipped_department_code_is_valid():
    entries = services.load_department_data()
    codes = [e["uscc"] for e in entries]
    assert len(set(codes)) == len(codes)
    assert len({e["name"] for e in entries}) == len(entries)
    for code in codes:
        assert gb32100_check(code[:17]) == code[17], code
        assert is_valid_uscc(code) and uscc_embedded_org_code_ok(code), code
        assert code.startswith("11210500"), code  # government body registered in Benxi


def test_seed_is_idempotent_and_logged(db, system_actor):
    created = services.seed_departments(system_actor)
    assert created == len(services.load_department_data())
    assert services.seed_departments(system_actor) == 0
    scjg = Department.objects.get(uscc="11210500MB1544202W")
    assert scjg.name == "本溪市市场监督管理局"
    assert Department.objects.get(uscc="11210500MB1544210P").name == "本溪市生态环境局"
    offices = Department.objects.filter(is_credit_office=True)
    assert [d.name for d in offices] == ["本溪市发展和改革委员会"]
    assert ChangeLog.objects.filter(action="department.create").count() == created


def test_seed_updates_a_renamed_department(db, system_actor):
    services.seed_departments(system_actor)
    Department.objects.filter(uscc="11210500MB1544202W").update(name="旧名称")
    assert services.seed_departments(system_actor) == 1
    entry = ChangeLog.objects.get(action="department.update")
    assert entry.before["name"] == "旧名称"
    assert entry.after["name"] == "本溪市市场监督管理局"


def test_only_credit_admins_seed(db, operator_user):
    from credit.core.actors import Actor

    with pytest.raises(PermissionDenied):
        services.seed_departments(Actor.for_user(operator_user))
