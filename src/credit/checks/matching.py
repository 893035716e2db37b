"""Matching a name given by a department to registered subjects, with a score and reasons.

Departments type names the way their own systems hold them: full-width brackets, stray
spaces, 有限责任公司 where the register says 有限公司. Matching compares normalised forms
and says, in Chinese, why it thinks two names are the same subject, so the person reading
the answer can judge. Several plausible subjects are reported as ambiguous: a credit check
must never punish the wrong company because its name looked alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from credit.core.normalize import halfwidth, name_key

# Accept a name match at this score; below it a candidate is only a suggestion.
MATCH_THRESHOLD = 90

# Spellings of one legal form, canonical spelling first. Longest variants are replaced first
# so 有限责任公司 is not half-rewritten by the 有限公司 rule.
LEGAL_FORM_VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("股份有限公司", ("股份有限责任公司",)),
    ("有限公司", ("有限责任公司", "有限責任公司")),
    ("(有限合伙)", ("有限合伙企业", "(有限合伙企业)")),
    ("(普通合伙)", ("普通合伙企业", "(普通合伙企业)")),
)
_LEGAL_FORMS = ("股份有限公司", "有限公司", "(有限合伙)", "(普通合伙)", "分公司", "个体工商户")
_PUNCTUATION = re.compile(r"[()·•・.,，、\-—_/\\'\"“”‘’]")

# Benxi's districts and counties, so a region may be given by name as well as by code.
REGION_CODES: dict[str, str] = {
    "本溪市": "210500",
    "本溪": "210500",
    "市辖区": "210501",
    "平山区": "210502",
    "溪湖区": "210503",
    "明山区": "210504",
    "南芬区": "210505",
    "本溪满族自治县": "210521",
    "本溪县": "210521",
    "桓仁满族自治县": "210522",
    "桓仁县": "210522",
    "桓仁": "210522",
}
REGION_NAMES = {code: name for name, code in reversed(list(REGION_CODES.items()))}


def normalize_name(name: str) -> str:
    """The stored `Subject.name_norm` form: half-width, unified brackets, no spaces."""
    return name_key(name or "").upper()


def canonical_name(name: str) -> str:
    """The normalised name with one spelling per legal form and no punctuation."""
    text = normalize_name(name)
    for canonical, variants in LEGAL_FORM_VARIANTS:
        for variant in variants:
            text = text.replace(variant, canonical)
    return _PUNCTUATION.sub("", text)


def name_variants(name: str) -> set[str]:
    """Normalised spellings a register may hold for the same name (for exact retrieval)."""
    base = normalize_name(name)
    out = {base}
    for canonical, variants in LEGAL_FORM_VARIANTS:
        for spelling in (canonical, *variants):
            if spelling in base:
                for other in (canonical, *variants):
                    out.add(base.replace(spelling, other))
    # A name with its brackets dropped (本溪(集团)有限公司 / 本溪集团有限公司).
    out.update({v.replace("(", "").replace(")", "") for v in list(out)})
    return {v for v in out if v}


def legal_form(name: str) -> str:
    text = canonical_name(name)
    plain = normalize_name(name)
    for form in _LEGAL_FORMS:
        if text.endswith(_PUNCTUATION.sub("", form)) or plain.endswith(form):
            return form
    return ""


def spelled_form(name: str) -> str:
    """The legal form as written in `name` (有限责任公司, not its canonical 有限公司)."""
    plain = normalize_name(name)
    spellings = [s for canonical, variants in LEGAL_FORM_VARIANTS for s in (canonical, *variants)]
    for spelling in sorted(spellings, key=len, reverse=True):
        if plain.endswith(spelling):
            return spelling
    return legal_form(name)


def region_code(region: str | None) -> str:
    """A six-digit code from a code or a Benxi district name; '' when unknown."""
    text = halfwidth(region or "").strip()
    if not text:
        return ""
    if len(text) == 6 and text.isdigit():
        return text
    return REGION_CODES.get(text.replace(" ", ""), "")


def core_name(name: str) -> str:
    """The distinctive part: no leading city/district, no legal form (for fuzzy retrieval)."""
    text = canonical_name(name)
    for prefix in sorted(REGION_CODES, key=len, reverse=True):
        for lead in ("辽宁省" + prefix, prefix):
            if text.startswith(lead):
                text = text[len(lead) :]
                break
    for form in _LEGAL_FORMS:
        bare = _PUNCTUATION.sub("", form)
        if text.endswith(bare):
            text = text[: -len(bare)]
            break
    return text


@dataclass
class Candidate:
    """A registered subject considered for a name."""

    id: int
    public_id: str
    kind: str
    name: str
    uscc: str | None
    region_code: str
    former_names: list[str] = field(default_factory=list)


@dataclass
class Scored:
    candidate: Candidate
    score: int
    reasons: list[str]


def score(query: str, region: str | None, candidate: Candidate) -> Scored:
    """Score 0–100 of `candidate` being the subject named `query`, with the reasons."""
    reasons: list[str] = []
    q_norm, c_norm = normalize_name(query), normalize_name(candidate.name)
    q_canon, c_canon = canonical_name(query), canonical_name(candidate.name)
    if q_norm == c_norm:
        value = 100
        if query.strip() == candidate.name:
            reasons.append("名称完全一致")
        else:
            reasons.append("名称一致（已统一全角/半角、括号和空格）")
    elif q_canon == c_canon:
        value = 96
        q_form, c_form = spelled_form(query), spelled_form(candidate.name)
        if q_form != c_form:
            reasons.append(f"名称一致（组织形式写法不同：所给“{q_form}”，登记“{c_form}”）")
        elif q_norm.replace("(", "").replace(")", "") == c_norm.replace("(", "").replace(")", ""):
            reasons.append("名称一致（括号写法不同）")
        else:
            reasons.append("名称一致（标点写法不同）")
    elif any(canonical_name(old) == q_canon for old in candidate.former_names):
        value = 92
        former = next(old for old in candidate.former_names if canonical_name(old) == q_canon)
        reasons.append(f"与曾用名“{former}”一致，现名称为“{candidate.name}”")
    else:
        ratio = SequenceMatcher(None, q_canon, c_canon, autojunk=False).ratio()
        value = round(ratio * 85)
        reasons.append(f"名称相似度 {round(ratio * 100)}%")
        q_form, c_form = legal_form(query), legal_form(candidate.name)
        if q_form and c_form and q_form != c_form:
            value -= 10
            reasons.append(f"组织形式不同（{q_form}/{c_form}）")
    wanted = region_code(region)
    if wanted and candidate.region_code:
        if candidate.region_code == wanted:
            value += 4
            reasons.append("地区一致")
        elif wanted.endswith("00") and candidate.region_code[:4] == wanted[:4]:
            reasons.append("地区属于所给市级区划")
        else:
            value -= 15
            place = REGION_NAMES.get(candidate.region_code, candidate.region_code)
            reasons.append(f"地区不一致（主体登记地区：{place}）")
    elif region and not wanted:
        reasons.append(f"无法识别地区“{region}”，未参与评分")
    return Scored(candidate, max(0, min(100, value)), reasons)


@dataclass
class NameResolution:
    """Outcome for one name: a single match, several (ambiguous), or none."""

    status: str  # matched | ambiguous | not_found
    best: Scored | None
    ranked: list[Scored]


def resolve_name(
    query: str, region: str | None, candidates: list[Candidate], threshold: int = MATCH_THRESHOLD
) -> NameResolution:
    ranked = sorted(
        (score(query, region, c) for c in candidates),
        key=lambda s: (-s.score, s.candidate.name, s.candidate.id),
    )
    above = [s for s in ranked if s.score >= threshold]
    if len(above) == 1:
        return NameResolution("matched", above[0], ranked)
    if len(above) > 1:
        return NameResolution("ambiguous", None, above)
    return NameResolution("not_found", None, ranked[:5])
