"""Chinese names of the stable action, object and resource codes in the logs.

The codes stay English in the database (they are matched by tools and filters); people
see these labels. An unknown code is shown as it is rather than hidden.
"""

from __future__ import annotations

import functools

ACTIONS = {
    "batch_received": "接收批次",
    "batch_finished": "批次处理完成",
    "batch_rerun": "重新处理批次",
    "batch_source_deleted": "删除批次源文件",
    "record_updated": "更新信用记录",
    "record_withdrawn": "撤回信用记录",
    "record_corrected": "更正信用记录",
    "fact_disputed": "添加异议标注",
    "fact_undisputed": "撤销异议标注",
    "application.create": "提交申请",
    "application.step": "办理申请环节",
    "application.close": "申请办结",
    "step_period.create": "新增办理时限",
    "step_period.update": "修改办理时限",
    "step_period.delete": "删除办理时限",
    "fact_delivery.retry": "重试事实变更事件送达",
    "notice_webhook.set": "登记撤回通知回调地址",
    "notice_webhook.cancel": "取消撤回通知回调地址",
    "record_publish_minor": "设置轻微处罚公示",
    "publicity_recomputed": "重算公示期",
    "publicity_windows_updated": "公示状态到期变更",
    "publicity_rule_saved": "修改公示期限规则",
    "catalog_version_created": "新建目录版本",
    "evaluation_run": "信用综合评价",
    "evaluation_model_published": "发布评价模型",
    "evaluation_model_drafted": "新建评价模型草稿",
    "department.create": "新建部门",
    "department.update": "修改部门",
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.reset_password": "管理员重置密码",
    "user.enable": "启用用户",
    "user.disable": "停用用户",
    "user.set_password": "重置密码",
    "api_client.create": "新建接口调用系统",
    "api_client.update": "修改接口调用系统",
    "api_client.disable": "停用接口调用系统",
    "api_token.issue": "签发接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "api_token.set_expiry": "设置令牌有效期",
    "check.feedback": "核查反馈",
    "list_entry.import": "导入名单认定",
    "list_entry.notify": "名单告知",
    "list_entry.statement": "登记陈述申辩",
    "list_entry.waive_statement": "放弃陈述申辩",
    # Codes written before 陈述申辩 was renamed "statement" (issue 12); old rows keep them.
    "list_entry.objection": "登记陈述申辩",
    "list_entry.waive_objection": "放弃陈述申辩",
    "list_entry.withdraw": "不予列入",
    "list_entry.decide": "作出列入决定",
    "list_entry.publish": "名单公开",
    "list_entry.remove_expiry": "到期移出名单",
    "list_entry.remove_application": "申请移出名单",
    "list_entry.remove_revoked": "撤销移出名单",
    "list_entry.enter_decided": "录入名单决定",
    "subject.merge": "合并信用主体",
    "subject.merge_undo": "撤销主体合并",
    "subject.confirm_distinct": "确认为不同主体",
    "subject.name_keep": "保留主体登记名称",
    "subject.name_adopt": "采用报送的主体名称",
    "calendar.year_entered": "录入年度节假日安排",
    # services._mark_removed writes "remove_<kind>"; the expiry kind is "expiry".
    "subject.create": "登记信用主体",
    "subject.registration": "记录主体登记注册信息",
    # Configuration edited in the admin (audit.adminlog): <model>.create/update/delete.
    # The evaluation model's draft, edited in the admin (published versions are read-only).
    "evaluation_model.create": "新建评价模型（草稿）",
    "evaluation_model.update": "修改评价模型草稿",
    "evaluation_model.delete": "删除评价模型草稿",
    "dimension.create": "新增评价维度",
    "dimension.update": "修改评价维度",
    "dimension.delete": "删除评价维度",
    "indicator.create": "新增评价指标",
    "indicator.update": "修改评价指标",
    "indicator.delete": "删除评价指标",
    "rule.create": "新增计分规则",
    "rule.update": "修改计分规则",
    "rule.delete": "删除计分规则",
    "evaluation_settings.create": "新建评价设置",
    "evaluation_settings.update": "修改评价设置（是否向社会公开评价等级）",
    "holiday.create": "新增节假日调整",
    "holiday.update": "修改节假日调整",
    "holiday.delete": "删除节假日调整",
    "calendar_year.create": "新增已维护年度",
    "calendar_year.update": "修改已维护年度",
    "calendar_year.delete": "删除已维护年度",
    "scenario.create": "新建应用场景",
    "scenario.update": "修改应用场景",
    "measure.create": "新建奖惩措施",
    "measure.update": "修改奖惩措施",
    "list_type.create": "新建名单类型",
    "list_type.update": "修改名单类型",
    "reports.domain.seed": "初始化专项报告领域",
    "report_domain.create": "新建专项报告领域",
    "report_domain.update": "修改专项报告领域",
    # 信用修复 (credit.repairs)
    "record_repaired": "信用修复：停止公示和共享信用记录",
    "record_repair_revoked": "撤销信用修复：恢复信用记录",
    "list_entry.remove_repair": "信用修复移出名单",
    "list_entry.restore_repair": "撤销信用修复：恢复名单条目",
    "repair.submitted": "提交信用修复申请",
    "repair.accepted": "受理信用修复申请",
    "repair.rejected": "不予受理信用修复申请",
    "repair.extended": "延长信用修复决定期限",
    "repair.decided": "作出信用修复决定",
    "repair.revoked": "撤销信用修复",
    "commitment.import": "导入信用承诺",
    "commitment.signed": "签署信用修复承诺",
    "commitment.kept": "承诺核查：履约",
    "commitment.broken": "承诺核查：失信",
    "sample.draw": "双随机抽取检查对象",
    "sampling_ratio.create": "新增分级抽查比例",
    "sampling_ratio.update": "修改分级抽查比例",
    "sampling_ratio.delete": "删除分级抽查比例",
}

OBJECTS = {
    "batch": "归集批次",
    "Batch": "归集批次",
    "record": "信用记录",
    "catalog": "信息事项",
    "DatasetVersion": "事项版本",
    "catalog.DatasetVersion": "事项版本",
    "Department": "部门",
    "User": "用户",
    "ApiClient": "接口调用系统",
    "ApiToken": "接口令牌",
    "ListEntry": "名单条目",
    "Subject": "信用主体",
    "publicity_rule": "公示期限规则",
    "check": "信用核查",
    "CreditCheck": "信用核查",
    "job": "后台任务",
    "CalendarYear": "节假日年度",
    "reports.ReportDomain": "专项报告领域",
    "SampleDraw": "双随机抽查",
    "SamplingRatio": "分级抽查比例",
    "evaluation.EvaluationModel": "评价模型",
    "RepairApplication": "信用修复申请",
    "Commitment": "信用承诺",
}

RESOURCES = {
    "applications.material": "申请材料",
    "applications.application": "申请详情",
    "records.shared": "共享信用记录",
    "records.department": "本单位信用记录（非公开）",
    "notices.pull": "撤回通知",
    "measures.check": "信用核查",
    "subjects.review": "主体核对",
    "collection.report": "批次处理报告",
    "collection.error_rows": "错误行重新上报文件",
    "subjects.id_number": "信用主体身份证号码（脱敏显示）",
    "lists.waiver_material": "放弃陈述申辩书面材料",
    "console.subject_profile": "工作台查看信用档案",
    "admin.subject": "后台查看信用主体",
    "admin.record": "后台查看信用记录",
    "admin.list_entry": "后台查看名单条目",
    "reports.report": "信用报告",
    "evaluation.grade": "信用评价结果",
    "repairs.application": "信用修复申请（非公开）",
    "repairs.notice": "信用修复告知书",
    "commitments.queue": "承诺核查（非公开承诺）",
    "supervision.sample": "双随机抽查结果（含信用等级）",
}

FIELDS = {
    "state": "状态",
    "total": "总行数",
    "errors": "错误行数",
    "new": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "late": "超期",
    "dry_run": "仅校验",
    "policy": "处理策略",
    "dataset": "信息事项",
    "file": "文件",
    "items": "条数",
    "department": "部门",
    "version": "版本",
    "content_hash": "内容摘要",
    "reason": "原因",
    "subjects_created": "新建主体",
    "subjects_unverified": "待核对主体",
    "subjects_renamed": "主体更名",
    "subjects_name_mismatch": "名称与主体不一致的行",
    "subject": "信用主体",
    "merged_into": "合并至",
    "records": "信用记录数",
    "list_entries": "名单条目数",
    "merge": "合并记录编号",
    "not_returned": "未移回（已不在保留主体下）",
    "distinct_from": "确认不同于",
    "needs_review": "待人工核对",
    "name": "名称",
    "seen_name": "报送名称",
    "hash": "定义摘要",
    "fields": "字段数",
    "changed": "变更条数",
    "date": "日期",
    "ended": "停止公示条数",
    "started": "开始公示条数",
    "visibility": "公示状态",
    "subject_id": "信用主体",
    "check": "信用核查",
    "measure": "措施编号",
    "batch": "批次",
    "must_change_password": "须修改密码",
    "message": "说明",
    # ListEntry payload keys written before 陈述申辩 was renamed "statement" (issue 12): the
    # model fields now carry the new names, so old rows would otherwise show raw keys.
    "objection_deadline": "陈述申辩截止日",
    "objection_waived": "当事人放弃陈述申辩",
    "objection_waived_on": "书面放弃陈述申辩日期",
    "objection_waiver_number": "放弃陈述申辩书文号",
    "objection_waiver_file_name": "放弃陈述申辩书面材料（原文件名）",
    "population": "抽查范围",
    "population_note": "范围说明",
    "seed": "随机种子",
    "ratios": "抽查比例",
    "counts": "分级抽中数/范围内主体数",
    "drawn": "抽中主体数",
    "ratio": "抽查比例",
    "stratum": "信用等级",
}

VALUES = {
    "done": "已完成",
    "rejected": "已退回",
    "failed": "处理失败",
    "reject_all": "有错误行则整批退回",
    "reject_failed_rows": "仅退回错误行",
}


# Object-type codes that are not the model's class name (older rows use these).
_OBJECT_MODELS = {
    "batch": "collection.Batch",
    "record": "records.Record",
    "publicity_rule": "records.PublicityRule",
    "check": "checks.CreditCheck",
    "catalog": "catalog.Dataset",
}


@functools.cache
def _models_by_code() -> dict:
    from django.apps import apps

    found = {}
    for model in apps.get_models():
        found.setdefault(model.__name__, model)
        found[model._meta.label] = model
    for code, label in _OBJECT_MODELS.items():
        found[code] = apps.get_model(label)
    return found


def model_of(code: str):
    """The model an object-type code names, or None."""
    return _models_by_code().get(code)


def _model_field(object_code: str, key: str):
    model = model_of(object_code)
    if model is None:
        return None
    for field in model._meta.get_fields():
        usable = getattr(field, "concrete", False) or field.many_to_many
        if usable and key in (field.name, getattr(field, "attname", None)):
            return field
    return None


def field(object_code: str, key: str) -> str:
    """A payload key's Chinese name: the model field's verbose name, else the registry."""
    found = _model_field(object_code, key)
    if found is not None and getattr(found, "verbose_name", None):
        return str(found.verbose_name)
    return FIELDS.get(key, key)


def value(object_code: str, key: str, raw):
    """A stored state code's Chinese name (the model field's choices), else the value."""
    if not isinstance(raw, str):
        return raw
    found = _model_field(object_code, key)
    if found is not None and found.choices:
        return str(dict(found.flatchoices).get(raw, VALUES.get(raw, raw)))
    return VALUES.get(raw, raw)


def action(code: str) -> str:
    return ACTIONS.get(code, code)


def object_type(code: str) -> str:
    if code in OBJECTS:
        return OBJECTS[code]
    model = model_of(code)
    return str(model._meta.verbose_name) if model is not None else code


def resource(code: str) -> str:
    return RESOURCES.get(code, code)
