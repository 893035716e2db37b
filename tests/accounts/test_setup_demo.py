from io import StringIO

from django.core.management import call_command

from credit.accounts.models import Department, Role, User


def run(tmp_path, **kwargs) -> str:
    out = StringIO()
    call_command(
        "setup_demo", "--no-data", f"--accounts-file={tmp_path / 'demo.txt'}", stdout=out, **kwargs
    )
    return out.getvalue()


def test_creates_demo_accounts_once_with_random_passwords(db, tmp_path, settings):
    settings.DEBUG = True
    output = run(tmp_path)
    lines = (tmp_path / "demo.txt").read_text(encoding="utf-8").splitlines()
    accounts = {line.split("\t")[0]: line.split("\t")[2] for line in lines}
    assert set(accounts) == {"admin", "scjg", "sthj", "audit"}
    assert "/console/login/" in output
    for username, password in accounts.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert password not in ("admin", "password", username)
    assert User.objects.get(username="scjg").department.uscc == "11210500MB1544202W"
    assert User.objects.get(username="sthj").department.uscc == "11210500MB1544210P"
    assert User.objects.get(username="admin").role == Role.CREDIT_ADMIN
    assert User.objects.get(username="audit").role == Role.AUDITOR

    run(tmp_path)  # a second run changes nothing
    assert (tmp_path / "demo.txt").read_text(encoding="utf-8").splitlines() == lines
    assert User.objects.get(username="admin").check_password(accounts["admin"])


def test_production_mode_seeds_departments_but_no_accounts(db, tmp_path, settings):
    settings.DEBUG = False
    output = run(tmp_path)
    assert Department.objects.filter(uscc="11210500MB1544202W").exists()
    assert not User.objects.exists()
    assert not (tmp_path / "demo.txt").exists()
    assert "生产模式" in output
