from datetime import date

import pytest

from credit.core.models import CalendarYear, Holiday

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.admin_urls")]


def test_holiday_and_calendar_year_pages(admin_client):
    Holiday.objects.create(date=date(2024, 9, 29), is_workday=True, name="国庆节补班")
    CalendarYear.objects.create(year=2031, note="已录入")
    page = admin_client.get("/admin/core/holiday/", {"q": "补班"})
    assert page.status_code == 200
    assert "国庆节补班" in page.content.decode()
    page = admin_client.get("/admin/core/holiday/", {"date__year": "2024"})
    assert page.status_code == 200
    page = admin_client.get("/admin/core/calendaryear/")
    assert page.status_code == 200
    assert "已录入" in page.content.decode()


def test_background_tasks_have_chinese_names_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    index = client.get("/admin/").content.decode()
    assert "后台任务" in index and "任务结果" in index
    assert "Tasks Database Backend" not in index and "Task Results" not in index
