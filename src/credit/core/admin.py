from django.contrib import admin

from credit.core.models import CalendarYear, Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday", ("date", admin.DateFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("name", "date")
    ordering = ("-date",)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "note")
    search_fields = ("year", "note")
    ordering = ("-year",)
