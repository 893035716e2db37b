"""Catalog templates never carry a live formula, whatever the definitions say (issue 10,
#11): labels, code values and help text are data the credit office edits."""

from __future__ import annotations

import shutil
from io import BytesIO

import pytest
import yaml
from openpyxl import load_workbook

from credit.catalog import queries
from credit.catalog import services as catalog_services
from credit.catalog.services import DEFINITIONS_DIR
from credit.catalog.xlsx_template import build_template

pytestmark = pytest.mark.django_db


def test_formula_like_catalog_text_is_written_as_text(system_actor, tmp_path):
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, folder)
    path = folder / "penalty.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = {f["code"]: f for f in data["fields"]}
    fields["BZ"]["label"] = '=HYPERLINK("http://evil.example","备注")'
    fields["BZ"]["help"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    long_list = [f"-选项{n:02d}-" for n in range(40)]  # too long inline: goes to 代码表
    fields["CF_FR_ZJLX"]["values"] = long_list
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalog_services.load_definitions(system_actor, folder)

    workbook = load_workbook(BytesIO(build_template(queries.current_version("penalty"))))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    values = {c.value for c in risky}
    assert fields["BZ"]["label"] in values and long_list[0] in values
    assert any(fields["BZ"]["help"] in str(c.value) for c in cells)
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
