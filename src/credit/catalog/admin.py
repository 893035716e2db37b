"""Back office of the catalog.

Versions and fields are never edited in place. The credit office defines a new dataset,
or changes one, on the definition page (定义新信息事项 / 修改定义): the page builds a
definition, checks it exactly as a YAML file is checked and saves it through
`catalog.services.save_definition`, which makes a new version and writes the change log.
Any dataset exports as a YAML file that `credit load_catalog FILE` loads back unchanged.
"""

import io
import zipfile

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from credit.audit.adminlog import ChangeLoggedAdminMixin, actor_of
from credit.catalog import services
from credit.catalog.admin_forms import (
    DefinitionForm,
    FieldFormSet,
    build_definition,
    definition_yaml,
    initial_of,
    same_meaning,
)
from credit.catalog.definition import DefinitionError, check_definition
from credit.catalog.models import Dataset, DatasetVersion, Field
from credit.catalog.permissions import can_define_datasets
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.core.normalize import as_int


class DatasetVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DatasetVersion
    fields = ["number", "standard", "name", "category", "share_attr", "open_attr", "created_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name = "版本"
    verbose_name_plural = "历史版本（只读；修改请用“修改定义”或加载新的定义文件）"


class FieldInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Field
    fields = ["position", "label", "code", "type", "required", "required_when", "public", "role"]
    readonly_fields = fields
    extra = 0


def with_blank_blocks(post, count: int = 2):
    """The posted form plus `count` blank field blocks at the end, so that a page shown
    again (检查并预览, or an error) always has room for more fields. A blank block carries
    the inputs' defaults and counts as untouched; it is never saved."""
    data = post.copy()
    total = as_int(data.get("fields-TOTAL_FORMS"), max_digits=3)
    if total is None or total + count > FieldFormSet.max_num:
        return data
    for index in range(total, total + count):
        data[f"fields-{index}-type"] = "text"
        data[f"fields-{index}-public"] = "on"
    data["fields-TOTAL_FORMS"] = str(total + count)
    return data


def export_file(version: DatasetVersion) -> tuple[str, str]:
    """(file name, YAML text) of a version's definition."""
    header = (
        f"{version.name}（{version.dataset.code}）v{version.number}，"
        f"信用本溪信息目录导出于 {timezone.localtime():%Y-%m-%d %H:%M}。\n"
        f"加载：credit load_catalog {version.dataset.code}.yaml"
    )
    return f"{version.dataset.code}.yaml", definition_yaml(version.definition, header)


@admin.register(Dataset)
class DatasetAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "current_version"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "name", "current_version"]
    inlines = [DatasetVersionInline]
    actions = ["export_yaml"]
    change_list_template = "admin/catalog/dataset/change_list.html"
    change_form_template = "admin/catalog/dataset/change_form.html"
    # The definition page saves through catalog.services, which writes the change log.
    change_logged_by_service = True

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("define/", view(self.define_view), name="catalog_dataset_define"),
            path(
                "<int:object_id>/define/",
                view(self.define_view),
                name="catalog_dataset_redefine",
            ),
            path(
                "<int:object_id>/export.yaml",
                view(self.export_view),
                name="catalog_dataset_export",
            ),
            *super().get_urls(),
        ]

    def _may_define(self, request) -> bool:
        return can_define_datasets(actor_of(request))

    def changelist_view(self, request, extra_context=None):
        extra = {"may_define": self._may_define(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"may_define": self._may_define(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    @admin.action(description="导出所选信息事项的定义（YAML）")
    def export_yaml(self, request, queryset):
        versions = [d.current_version for d in queryset.select_related("current_version")]
        versions = [v for v in versions if v is not None]
        if not versions:
            self.message_user(request, "所选信息事项尚无定义版本", messages.WARNING)
            return None
        if len(versions) == 1:
            return self._yaml_response(versions[0])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for version in versions:
                name, text = export_file(version)
                archive.writestr(name, text.encode("utf-8"))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="catalog-definitions.zip"'
        return response

    def export_view(self, request, object_id):
        """导出 YAML: the current definition, loadable with `credit load_catalog FILE`."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        dataset = get_object_or_404(Dataset, pk=object_id)
        if dataset.current_version is None:
            raise Http404("该信息事项尚无定义版本")
        return self._yaml_response(dataset.current_version)

    def _yaml_response(self, version: DatasetVersion) -> HttpResponse:
        name, text = export_file(version)
        response = HttpResponse(
            text.encode("utf-8"), content_type="application/yaml; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def define_view(self, request, object_id=None):
        """定义新信息事项 / 修改定义: check (预览) or save the definition the form describes."""
        if not self._may_define(request):
            raise PermissionDenied
        dataset = get_object_or_404(Dataset, pk=object_id) if object_id is not None else None
        current = dataset.current_version if dataset is not None else None
        fixed_code = dataset.code if dataset is not None else None
        problems: list[str] = []
        preview = None
        if request.method == "POST":
            form = DefinitionForm(request.POST, fixed_code=fixed_code)
            fields = FieldFormSet(with_blank_blocks(request.POST), prefix="fields")
            forms_valid = form.is_valid()
            forms_valid = fields.is_valid() and forms_valid
            if forms_valid:
                definition = build_definition(form, fields)
                problems = check_definition(definition)
                if not problems and "save" in request.POST:
                    outcome = self._save(request, dataset, current, definition)
                    if not isinstance(outcome, list):
                        return outcome
                    problems = outcome
                if not problems:
                    preview = {
                        "yaml": definition_yaml(definition),
                        "fields": definition["fields"],
                    }
        else:
            if current is not None:
                initial, field_rows = initial_of(current.definition)
                form = DefinitionForm(initial=initial, fixed_code=fixed_code)
                fields = FieldFormSet(initial=field_rows, prefix="fields")
            else:
                form = DefinitionForm(fixed_code=fixed_code)
                fields = FieldFormSet(prefix="fields")
        title = f"修改定义：{dataset.name}" if dataset is not None else "定义新信息事项"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "dataset": dataset,
            "current": current,
            "form": form,
            "fields": fields,
            "problems": problems,
            "preview": preview,
        }
        return TemplateResponse(request, "admin/catalog/dataset/define.html", context)

    def _save(self, request, dataset, current, definition) -> HttpResponse | list[str]:
        """Save through the service: a redirect, or the problems that refused it."""
        if current is not None and same_meaning(definition, current.definition):
            messages.info(request, f"定义没有变化，仍为版本 v{current.number}，未生成新版本。")
            return redirect(reverse("admin:catalog_dataset_change", args=[dataset.pk]))
        try:
            result = services.save_definition(actor_of(request), definition, dataset=dataset)
        except DefinitionError as exc:
            return exc.problems
        saved = Dataset.objects.get(code=result.code)
        verb = "已新增信息事项" if result.status == services.CREATED else "已保存新版本"
        messages.success(
            request,
            f"{verb}：{result.name}（{result.code}）v{result.version}。"
            "部门现在即可下载模板并报送数据。",
        )
        return redirect(reverse("admin:catalog_dataset_change", args=[saved.pk]))


@admin.register(DatasetVersion)
class DatasetVersionAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "dataset",
        "number",
        "name",
        "category",
        "share_attr",
        "open_attr",
        "created_at",
    ]
    list_filter = ["dataset", "category"]
    exclude = ["definition"]
    readonly_fields = [
        "dataset",
        "number",
        "standard",
        "name",
        "category",
        "subject_kinds",
        "providers",
        "legal_basis",
        "share_attr",
        "open_attr",
        "publicity_rule",
        "update_deadline_workdays",
        "update_frequency",
        "retention",
        "definition_hash",
        "created_at",
    ]
    inlines = [FieldInline]


@admin.register(Field)
class FieldAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "type", "required", "public", "role", "version"]
    list_filter = ["version__dataset", "type", "required", "public"]
    search_fields = ["label", "code"]
    readonly_fields = [f.name for f in Field._meta.fields if f.name != "id"]
