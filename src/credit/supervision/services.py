"""Making a 双随机 draw: the population, the grades, the draw, and its record.

Everything about a draw is stored with it (who, when, department, population, ratios,
seed, rounding rule, counts per stratum, and each drawn subject with its grade and reasons
at that time), and the draw is written to the change log, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction

from credit.accounts.models import Department
from credit.audit.services import log_access, log_access_many, log_change
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.subjects.models import Subject
from credit.supervision import grades as grade_source
from credit.supervision import permissions, population
from credit.supervision.models import (
    Population,
    SampleDraw,
    SampledSubject,
    SamplingRatio,
    Stratum,
)
from credit.supervision.sampling import (
    DEFAULT_RATIOS,
    ROUNDING_RULE,
    SEED_MAX_LENGTH,
    STRATA,
    draw,
    new_seed,
)

MAX_LISTED = 10_000
ACCESS_RESOURCE = "supervision.sample"
DRAW_PURPOSE = "双随机抽取"
VIEW_PURPOSE = "查看抽查结果"
EXPORT_PURPOSE = "导出抽查结果"
CHUNK = 900


def configured_ratios() -> dict[str, Decimal]:
    """The credit office's ratios (admin), the defaults where none is set."""
    ratios = dict(DEFAULT_RATIOS)
    for stratum, ratio in SamplingRatio.objects.values_list("stratum", "ratio"):
        if stratum in ratios:
            ratios[stratum] = Decimal(ratio)
    return ratios


def parse_ratios(given: Mapping[str, object] | None) -> dict[str, Decimal]:
    """The configured ratios overridden by `given` (stratum → number 0…1); a bad value is
    refused naming the stratum."""
    ratios = configured_ratios()
    labels = dict(Stratum.choices)
    for key, value in (given or {}).items():
        if key not in ratios:
            raise ServiceError(
                "bad_ratio", f"抽查比例：未知的信用等级“{key}”，应为 A、B、C、D 或 none（未评价）"
            )
        try:
            ratio = Decimal(str(value))
        except (InvalidOperation, ValueError):
            ratio = None
        if ratio is None or not ratio.is_finite() or ratio < 0 or ratio > 1:
            raise ServiceError(
                "bad_ratio", f"抽查比例：{labels[key]}的比例“{value}”无效，应为 0 到 1 之间的小数"
            )
        ratios[key] = ratio.quantize(Decimal("0.0001"))
    return ratios


def clean_seed(seed: str | None) -> str:
    seed = (seed or "").strip()
    if not seed:
        return new_seed()
    if len(seed) > SEED_MAX_LENGTH or not seed.isascii() or not seed.isprintable():
        raise ServiceError(
            "bad_seed", f"随机种子：应为不超过 {SEED_MAX_LENGTH} 个字符的数字或英文字母"
        )
    return seed


def department_for(actor: Actor, department_id: int | None) -> Department:
    """The department a draw is for: the actor's own when none is named."""
    department_id = department_id or actor.department_id
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if department is None:
        raise ServiceError("unknown_department", "抽查部门：部门不存在，请核对部门编号")
    if not permissions.can_draw(actor, department):
        raise PermissionDenied(permissions.DRAW_OWN_ONLY)
    return department


def draw_sample(
    actor: Actor,
    *,
    department_id: int | None,
    population_kind: str,
    ratios: Mapping[str, object] | None = None,
    seed: str | None = None,
    subjects: Iterable[str] = (),
) -> SampleDraw:
    """Draw and store a sample; see the module's docstring."""
    if permissions.is_auditor(actor):
        raise PermissionDenied("审计员只能查阅抽查记录，不能抽取")
    department = department_for(actor, department_id)
    if population_kind not in Population.values:
        raise ServiceError("bad_population", "抽查范围：应为 licensees、graded 或 listed")
    ratio_map = parse_ratios(ratios)
    seed = clean_seed(seed)
    ids, note = _population(department, population_kind, list(subjects))
    if population_kind == Population.GRADED:
        graded = grade_source.grades_of(None)
        ids = population.drawable(graded)
        graded = {pk: graded[pk] for pk in ids if pk in graded}
    elif ids:
        graded = grade_source.grades_of(ids)
    if not ids:
        raise ServiceError(
            "empty_population", f"抽查范围“{Population(population_kind).label}”内没有可抽取的主体"
        )
    keyed = _public_ids(ids)
    strata = {keyed[pk]: (graded[pk].stratum if pk in graded else Stratum.NONE) for pk in ids}
    results = draw(strata, ratio_map, seed)
    with transaction.atomic():
        record = SampleDraw.objects.create(
            department=department,
            population=population_kind,
            population_note=note,
            ratios={s: str(ratio_map[s]) for s in STRATA},
            seed=seed,
            rounding=ROUNDING_RULE,
            counts={
                r.stratum: {"population": r.population, "drawn": len(r.drawn)} for r in results
            },
            population_size=len(ids),
            drawn_size=sum(len(r.drawn) for r in results),
            actor_label=actor.label,
            actor_user=actor.user,
            actor_client=actor.client,
        )
        by_public_id = {public_id: pk for pk, public_id in keyed.items()}
        drawn_ids = [by_public_id[key] for r in results for key in r.drawn]
        rows = _subject_rows(drawn_ids)
        SampledSubject.objects.bulk_create(
            [
                _sampled(record, position, pk, rows[pk], graded.get(pk, grade_source.UNGRADED))
                for position, pk in enumerate(drawn_ids, start=1)
            ]
        )
        log_change(
            actor,
            "sample.draw",
            "SampleDraw",
            record.pk,
            after={
                "department": department.name,
                "population": Population(population_kind).label,
                "population_note": note,
                "seed": seed,
                "ratios": {Stratum(s).label: str(ratio_map[s]) for s in STRATA},
                "counts": {
                    Stratum(r.stratum).label: f"{len(r.drawn)}/{r.population}" for r in results
                },
                "drawn": record.drawn_size,
            },
        )
        log_read(actor, record, DRAW_PURPOSE)
    return record


def log_read(actor: Actor, record: SampleDraw, purpose: str) -> int:
    """Access-log the drawn subjects as read (grades and reasons are not public)."""
    subjects = list(record.drawn.values_list("subject_id", "subject_name"))
    text = f"{purpose}（#{record.pk}）"
    if not subjects:
        log_access(actor, ACCESS_RESOURCE, text, subject_label="（未抽中主体）")
        return 1
    return log_access_many(actor, subjects, resource=ACCESS_RESOURCE, purpose=text)


def _population(department, kind: str, codes: list[str]) -> tuple[set[int], str]:
    if kind == Population.LICENSEES:
        return population.licensee_ids(
            department.pk
        ), f"{department.name}提供的行政许可信息的相对人"
    if kind == Population.GRADED:
        return set(), "全部已有公共信用综合评价结果的法人、非法人组织和个体工商户"
    codes = [c for c in dict.fromkeys(c.strip() for c in codes) if c]
    if not codes:
        raise ServiceError("empty_population", "抽查范围：指定主体时 subjects 不能为空")
    if len(codes) > MAX_LISTED:
        raise ServiceError("too_many_subjects", f"抽查范围：一次最多指定 {MAX_LISTED} 个主体")
    found, missing = population.resolve_codes(codes)
    if missing:
        shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise ServiceError(
            "unknown_subjects",
            f"抽查范围：以下 {len(missing)} 个代码没有对应的法人、非法人组织或个体工商户：{shown}",
        )
    return set(found.values()), f"指定的 {len(codes)} 个主体"


def _public_ids(ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(ids)
    out: dict[int, str] = {}
    for start in range(0, len(wanted), CHUNK):
        out.update(
            Subject.objects.filter(pk__in=wanted[start : start + CHUNK]).values_list(
                "pk", "public_id"
            )
        )
    return out


def _subject_rows(ids: list[int]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = Subject.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
            "pk", "name", "uscc"
        )
        out.update({pk: (name, uscc or "") for pk, name, uscc in rows})
    return out


def _sampled(record, position: int, pk: int, row: tuple[str, str], graded) -> SampledSubject:
    name, uscc = row
    return SampledSubject(
        draw=record,
        position=position,
        subject_id=pk,
        subject_name=name,
        subject_uscc=uscc,
        stratum=graded.stratum,
        score=graded.score,
        valid_from=graded.valid_from,
        model_version=graded.model_version,
        reasons=list(graded.reasons),
    )


def get_draw(actor: Actor, draw_id: int) -> SampleDraw:
    """A draw the actor may read; another department's draw is not found."""
    record = SampleDraw.objects.select_related("department").filter(pk=draw_id).first()
    if record is None or not permissions.can_read_draw(actor, record):
        raise NotFound("抽查记录不存在", code="sample_not_found")
    return record


def read_draw(actor: Actor, draw_id: int) -> SampleDraw:
    """A draw the actor may read, its read access-logged (page and API)."""
    record = get_draw(actor, draw_id)
    log_read(actor, record, VIEW_PURPOSE)
    return record


def export_draw(actor: Actor, draw_id: int) -> tuple[str, bytes]:
    """(file name, XLSX bytes) of a draw the actor may read; access-logged."""
    from credit.supervision import export

    record = get_draw(actor, draw_id)
    data = export.workbook_bytes(actor, record)
    log_read(actor, record, EXPORT_PURPOSE)
    return export.filename(record), data


def draws_for(actor: Actor):
    """The draws the actor may list, newest first."""
    draws = SampleDraw.objects.select_related("department")
    if permissions.sees_every_department(actor):
        return draws.order_by("-created_at", "-id")
    if actor.department_id is None:
        return draws.none()
    return draws.filter(department_id=actor.department_id).order_by("-created_at", "-id")


def departments_for(actor: Actor):
    """The departments the actor may draw for."""
    if actor.is_credit_admin:
        return Department.objects.order_by("name")
    return Department.objects.filter(pk=actor.department_id)
