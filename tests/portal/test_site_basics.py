"""Government-site basics of the portal (issue 11): the footer's identification
(configurable, placeholders until set), privacy statement, site map and favicon."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/search/?q=钢铁", "/publicity/penalties/", "/lists/"]


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/privacy/", "/sitemap/", "/no-such-page/"])
def test_footer_shows_the_site_identification_placeholders(client, url):
    page = client.get(url).content.decode()
    footer = page.split('<footer class="site-footer">', 1)[1]
    assert "主办单位：本溪市社会信用体系建设领导小组办公室" in footer
    assert "网站标识码：（待配置）" in footer
    assert "辽ICP备（待配置）号" in footer and "https://beian.miit.gov.cn/" in footer
    assert "辽公网安备（待配置）号" in footer
    assert 'href="/privacy/">隐私声明' in footer and 'href="/sitemap/">网站地图' in footer


def test_footer_shows_the_configured_values(client):
    site = {
        "host_org": "本溪市发展和改革委员会",
        "contact": "联系电话：024-12345678",
        "code": "2105000001",
        "icp": "辽ICP备12345678号",
        "psb": "辽公网安备21050002000001号",
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "CREDIT_SITE", site)
        page = client.get("/").content.decode()
    for value in site.values():
        assert value in page
    assert "待配置" not in page


def test_privacy_statement_says_what_is_processed(client):
    page = client.get("/privacy/").content.decode()
    assert "<h1>隐私声明</h1>" in page
    assert "脱敏" in page and "不予公示" in page
    assert f"每分钟不超过 {settings.CREDIT_RATE_LIMIT_PER_MINUTE} 次" in page


def test_site_map_links_every_public_section_and_they_answer(client):
    page = client.get("/sitemap/").content.decode()
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', main)
    titles = [title for _url, title in links]
    # Each 社会公开 dataset's list follows 信用公示 (none here: no catalog is loaded).
    assert titles[:4] == ["首页", "信用查询", "信用公示", "红黑名单"]
    assert "隐私声明" in titles and "数据接口文档" in titles
    for url, title in links:
        assert client.get(url).status_code == 200, (url, title)


def test_favicon_is_served_and_linked_in_every_layout(client, admin_client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header
    # The linked files are static files (collected and served by WhiteNoise).
    assert finders.find("img/favicon.svg") and finders.find("img/favicon.png")
    for page in (
        client.get("/").content.decode(),
        client.get("/console/login/").content.decode(),
        admin_client.get("/admin/").content.decode(),
    ):
        assert '<link rel="icon" href="/static/img/favicon.svg"' in page
