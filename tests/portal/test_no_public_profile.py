"""No public record and no public list entry, no public profile: for organisations and sole
traders as for persons. Their name, code and legal representative were learned only from
records the public may not see (for a sole trader, a natural person's name)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.core.identifiers import make_uscc
from credit.records import services as record_services
from credit.records.models import Record
from credit.subjects.models import Subject
from tests.collection.samples import company_uscc, penalty_row, write_csv

pytestmark = pytest.mark.django_db

ENDED = "本溪市已过公示期贸易有限公司"
TRADER = "本溪市平山区李四烧烤店"
TRADER_USCC = make_uscc("92210502MA0000077")
PUBLIC = "本溪市仍在公示钢铁有限公司"


@pytest.fixture
def hidden(scjg, tmp_path):
    """A company whose only penalty has ended, a sole trader whose only penalty was
    withdrawn, and a company with a public penalty for contrast."""
    call_command("load_catalog", verbosity=0)
    today = dt.date.today()
    rows = [
        penalty_row(
            71,
            decided=today - dt.timedelta(days=900),
            **{"行政相对人名称": ENDED, "法定代表人": "赵六"},
        ),
        penalty_row(
            72,
            **{
                "行政相对人名称": TRADER,
                "行政相对人类别": "个体工商户",
                "行政相对人代码_1（统一社会信用代码）": TRADER_USCC,
                "法定代表人": "李四",
            },
        ),
        penalty_row(73, **{"行政相对人名称": PUBLIC}),
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    system = Actor.system("测试")
    batch = collection.submit_file(
        system,
        dataset_code="penalty",
        department=scjg,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    assert batch.state == "done", batch.message
    record_services.withdraw(system, Record.objects.get(doc_number="本市监罚〔2026〕72号"), "撤销")
    ended = Subject.objects.get(uscc=company_uscc(71))
    trader = Subject.objects.get(uscc=TRADER_USCC)
    assert trader.kind == "sole_trader"
    return ended, trader, Subject.objects.get(uscc=company_uscc(73))


def test_profile_page_and_api_are_404_without_anything_public(client, hidden):
    ended, trader, public = hidden
    for subject, private_name in ((ended, "赵六"), (trader, "李四")):
        page = client.get(f"/subjects/{subject.public_id}/")
        assert page.status_code == 404
        text = page.content.decode()
        assert "未找到该信用主体" in text and subject.name not in text
        assert private_name not in text
        api = client.get(f"/api/v1/public/subjects/{subject.public_id}")
        assert api.status_code == 404
        assert api.json()["message"] == "未找到该信用主体"
    assert client.get(f"/subjects/{public.public_id}/").status_code == 200
    assert client.get(f"/api/v1/public/subjects/{public.public_id}").status_code == 200


def test_search_hides_subjects_without_anything_public(client, hidden):
    ended, trader, public = hidden
    for q in ("本溪市", ended.uscc, trader.uscc, "烧烤店", "已过公示期"):
        page = client.get("/search/", {"q": q}).content.decode()
        api = client.get("/api/v1/public/subjects", {"q": q}).json()
        names = [item["name"] for item in api["items"]]
        for subject in (ended, trader):
            assert subject.name not in page, q
            assert subject.name not in names, q
    assert PUBLIC in [
        i["name"] for i in client.get("/api/v1/public/subjects", {"q": PUBLIC}).json()["items"]
    ]
    by_code = client.get("/api/v1/public/subjects", {"q": trader.uscc}).json()
    assert by_code["total"] == 0 and by_code["items"] == []
