"""Writes of the evaluation: grading subjects, loading and publishing models."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from credit.audit.services import log_change
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.evaluation import engine
from credit.evaluation.models import (
    Dimension,
    EvaluationModel,
    Grade,
    GradeBand,
    Indicator,
    ModelState,
    Rule,
)
from credit.evaluation.permissions import can_edit_models

DEFAULT_MODEL = Path(__file__).with_name("default_model.yaml")
# Subjects per chunk of a full evaluation: bounds memory and the length of a transaction.
CHUNK = 50_000


def current_model() -> EvaluationModel | None:
    return EvaluationModel.objects.filter(state=ModelState.PUBLISHED).order_by("-version").first()


def evaluate(
    subject_ids: Iterable[int] | None = None,
    *,
    day: dt.date | None = None,
    actor: Actor | None = None,
    chunk: int = CHUNK,
) -> dict[str, int]:
    """Grade `subject_ids` (everyone graded when None) with the current published model.

    A subject's grade gets a new history row only when its grade, score or model version
    changes; an unchanged grade whose facts changed keeps its row with the new details.
    Subjects no longer graded (注销, 吊销, merged, persons) lose their current grade."""
    model = current_model()
    if model is None:
        return {"graded": 0, "changed": 0, "ended": 0}
    loaded = engine.LoadedModel.of(model)
    day = day or timezone.localdate()
    counts = {"graded": 0, "changed": 0, "ended": 0}
    if subject_ids is not None:
        ids = sorted({int(getattr(i, "pk", i)) for i in subject_ids})
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            _write(loaded, day, engine.score_chunk(loaded, day, ids=part), part, None, counts)
    else:
        for id_range in engine.id_ranges(chunk):
            scored = engine.score_chunk(loaded, day, id_range=id_range)
            _write(loaded, day, scored, None, id_range, counts)
    log_change(
        actor or Actor.system("信用评价"),
        "evaluation_run",
        "evaluation.EvaluationModel",
        model.pk,
        after={
            "version": model.version,
            "scope": "全部" if subject_ids is None else "指定主体",
            **counts,
        },
    )
    return counts


def monthly(job_id: str, day: dt.date | None = None):
    """The daily job `evaluation.monthly`: regrades everyone on the 1st of the month."""
    day = day or timezone.localdate()
    if day.day != 1:
        return "非每月 1 日，跳过"
    return evaluate(day=day, actor=Actor.system("每月信用评价", request_id=f"task:{job_id}"))


def _write(loaded, day, scored, ids, id_range, counts) -> None:
    now = timezone.now()
    with transaction.atomic():
        current = Grade.objects.filter(is_current=True)
        if ids is not None:
            current = current.filter(subject_id__in=ids)
        else:
            current = current.filter(subject_id__gte=id_range[0], subject_id__lte=id_range[1])
        existing = {
            g[0]: g[1:]
            for g in current.values_list(
                "subject_id", "id", "grade", "score", "model_id", "details"
            )
        }
        new_rows, retire, detail_updates = [], [], []
        graded = set()
        for s in scored:
            graded.add(s.subject_id)
            old = existing.get(s.subject_id)
            if old is not None:
                old_id, grade, score, model_id, details = old
                if grade == s.grade and score == s.score and model_id == loaded.model.pk:
                    if details != s.details:
                        detail_updates.append(Grade(pk=old_id, details=s.details))
                    continue
                retire.append(old_id)
            new_rows.append(
                Grade(
                    subject_id=s.subject_id,
                    grade=s.grade,
                    score=s.score,
                    model=loaded.model,
                    valid_from=day,
                    computed_at=now,
                    unregistered=s.unregistered,
                    is_current=True,
                    details=s.details,
                )
            )
        ended = [row[0] for subject_id, row in existing.items() if subject_id not in graded]
        retire.extend(ended)
        if retire:
            Grade.objects.filter(pk__in=retire).update(is_current=False)
        Grade.objects.bulk_create(new_rows, batch_size=5000)
        if detail_updates:
            Grade.objects.bulk_update(detail_updates, ["details"], batch_size=5000)
        counts["graded"] += len(graded)
        counts["changed"] += len(new_rows)
        counts["ended"] += len(ended)


# Models as data ----------------------------------------------------------------------


def _content_hash(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_model(actor: Actor, path: Path = DEFAULT_MODEL, *, force: bool = False) -> EvaluationModel:
    """Load a model file as the next published version. Without `force`, a published model
    already present is kept (the credit office may have edited it)."""
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    existing = current_model()
    if existing is not None and not force:
        return existing
    with transaction.atomic():
        draft = _create_from_spec(spec)
        return publish(actor, draft, note=f"载入模型文件 {Path(path).name}")


def _create_from_spec(spec: dict) -> EvaluationModel:
    try:
        model = EvaluationModel.objects.create(
            name=spec["name"],
            description=spec.get("description", ""),
            base_score=spec.get("base_score", 100),
            disputed_facts=spec.get("disputed_facts", "count"),
        )
        for band in spec["bands"]:
            GradeBand.objects.create(model=model, **band)
        for d_pos, dim in enumerate(spec["dimensions"], 1):
            dimension = Dimension.objects.create(
                model=model,
                name=dim["name"],
                position=d_pos,
                description=dim.get("description", ""),
            )
            for i_pos, ind in enumerate(dim["indicators"], 1):
                indicator = Indicator.objects.create(
                    dimension=dimension,
                    name=ind["name"],
                    position=i_pos,
                    min_score=ind.get("min_score"),
                    max_score=ind.get("max_score"),
                    description=ind.get("description", ""),
                )
                for r_pos, rule in enumerate(ind["rules"], 1):
                    Rule.objects.create(indicator=indicator, position=r_pos, **rule)
    except (KeyError, TypeError) as exc:
        raise ServiceError("bad_model", f"评价模型文件格式不正确：缺少或多出项目 {exc}") from exc
    return model


def _copy(source: EvaluationModel, **changes) -> EvaluationModel:
    """A deep copy of a model (dimensions, indicators, rules, bands)."""
    fields = {
        f.name: getattr(source, f.name)
        for f in EvaluationModel._meta.concrete_fields
        if f.name not in ("id", "created_at")
    }
    fields.update(changes)
    copy = EvaluationModel.objects.create(**fields)
    for band in source.bands.all():
        GradeBand.objects.create(
            model=copy, grade=band.grade, min_score=band.min_score, meaning=band.meaning
        )
    for dim in source.dimensions.all():
        new_dim = Dimension.objects.create(
            model=copy, name=dim.name, position=dim.position, description=dim.description
        )
        for ind in dim.indicators.all():
            new_ind = Indicator.objects.create(
                dimension=new_dim,
                name=ind.name,
                position=ind.position,
                min_score=ind.min_score,
                max_score=ind.max_score,
                description=ind.description,
            )
            for rule in ind.rules.all():
                rule.pk = None
                rule.indicator = new_ind
                rule.save()
    return copy


def snapshot(model: EvaluationModel) -> dict:
    """The model's content as data (for the change log and to tell versions apart)."""
    return {
        "base_score": str(model.base_score),
        "disputed_facts": model.disputed_facts,
        "bands": {b.grade: [str(b.min_score), b.meaning] for b in model.bands.all()},
        "rules": [
            {
                "dimension": r.indicator.dimension.name,
                "indicator": r.indicator.name,
                "name": r.name,
                "source": r.source,
                "dataset": r.dataset_code,
                "severities": r.severities,
                "fields": r.field_conditions,
                "lists": r.list_codes,
                "color": r.list_color,
                "exclude": r.exclude_list_codes,
                "window": r.window_years,
                "points": str(r.points),
                "cap": None if r.cap is None else str(r.cap),
            }
            for r in Rule.objects.filter(indicator__dimension__model=model).select_related(
                "indicator__dimension"
            )
        ],
    }


def check_model(model: EvaluationModel) -> list[str]:
    """What keeps a draft from being published, in Chinese."""
    problems = []
    grades = {b.grade for b in model.bands.all()}
    if grades != set("ABCD"):
        problems.append("评价等级须包括 A、B、C、D 四个等级，各设最低分。")
    for rule in Rule.objects.filter(indicator__dimension__model=model):
        if rule.source == "dataset" and not rule.dataset_code:
            problems.append(f"规则“{rule.name}”：计分依据为信息事项，须填写信息事项代码。")
        if rule.source == "list" and not (rule.list_codes or rule.list_color):
            problems.append(f"规则“{rule.name}”：计分依据为名单，须填写名单代码或名单类别。")
        if not isinstance(rule.field_conditions, dict):
            problems.append(f"规则“{rule.name}”：字段条件须为“交换代码: 值”的映射。")
    return problems


def publish(actor: Actor, draft: EvaluationModel, note: str = "") -> EvaluationModel:
    """Publish a draft as the next version; the previous version is retired. The draft
    stays a draft (for the next edit); the published version is a frozen copy."""
    if not can_edit_models(actor):
        raise ServiceError("forbidden", "只有信用主管部门可以发布评价模型。")
    if draft.state != ModelState.DRAFT:
        raise ServiceError("not_draft", "只能发布草稿。")
    problems = check_model(draft)
    if problems:
        raise ServiceError("bad_model", "；".join(problems))
    with transaction.atomic():
        previous = current_model()
        number = (
            EvaluationModel.objects.exclude(state=ModelState.DRAFT)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        ) + 1
        published = _copy(
            draft,
            version=number,
            state=ModelState.PUBLISHED,
            published_at=timezone.now(),
            published_by=actor.label,
        )
        if previous is not None:
            EvaluationModel.objects.filter(pk=previous.pk).update(state=ModelState.RETIRED)
        log_change(
            actor,
            "evaluation_model_published",
            "evaluation.EvaluationModel",
            published.pk,
            before=snapshot(previous) if previous is not None else None,
            after={"version": number, "note": note, **snapshot(published)},
        )
    return published


def new_draft(actor: Actor, source: EvaluationModel) -> EvaluationModel:
    """A draft copied from a published version, for the credit office to edit."""
    if not can_edit_models(actor):
        raise ServiceError("forbidden", "只有信用主管部门可以编辑评价模型。")
    with transaction.atomic():
        draft = _copy(source, version=0, state=ModelState.DRAFT, published_at=None, published_by="")
        log_change(
            actor,
            "evaluation_model_drafted",
            "evaluation.EvaluationModel",
            draft.pk,
            after={"from_version": source.version},
        )
    return draft
