"""The fields every public application names (objection, repair): the fact, by the id the
public profile gives it, and the party — the subject, the applicant and any agent — as
`applications.Party` takes them."""

from __future__ import annotations

from ninja import Field, Schema


class ApplicationIn(Schema):
    record: str = Field(
        ...,
        max_length=40,
        description="信用信息：公开信用档案返回的信用记录或名单条目 id（不透明标识）",
    )
    subject_name: str = Field(..., max_length=200, description="信用主体名称")
    uscc: str = Field("", max_length=18, description="统一社会信用代码（法人及其他组织）")
    id_number: str = Field("", max_length=18, description="身份证号（自然人）")
    applicant_name: str = Field(..., max_length=100, description="申请人姓名")
    applicant_phone: str = Field(..., max_length=20, description="申请人电话")
    applicant_relationship: str = Field(
        ...,
        max_length=20,
        description="申请人与主体关系：self 本人、legal_rep 法定代表人/负责人、staff 单位工作人员、"
        "agent 委托代理人",
    )
    agent_name: str = Field("", max_length=100, description="代理人姓名")
    agent_phone: str = Field("", max_length=20, description="代理人电话")
    agent_relationship: str = Field("", max_length=100, description="代理人与主体关系")
