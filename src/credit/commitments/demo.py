"""The demo's broken commitments: after the seed imported the commitment files, a few
pending 审批替代型 commitments are verified as 失信 through the real service, so the demo
has breach records on profiles, in checks and in sharing."""

from __future__ import annotations

from collections.abc import Callable

from credit.commitments import services
from credit.commitments.models import Commitment, CommitmentKind, Fulfilment
from credit.core.actors import Actor

FACTS = "经现场核查，申请人承诺的条件与实际不符，且未在规定期限内补正"


def break_some(log: Callable[[str], None] = print, every: int = 5) -> dict[str, int]:
    actor = Actor.system(label="演示数据导入")
    pending = Commitment.objects.filter(
        kind=CommitmentKind.APPROVAL, state=Fulfilment.PENDING
    ).order_by("code")
    broken = 0
    for index, commitment in enumerate(pending):
        if index % every:
            continue
        decision = f"本信承认〔{commitment.made_on.year}〕{index + 1}号"
        services.mark_broken(commitment, facts=FACTS, decision=decision, actor=actor)
        broken += 1
    log(f"  演示承诺核查：{broken} 条认定失信并生成违背信用承诺记录")
    return {"commitments_broken": broken}
