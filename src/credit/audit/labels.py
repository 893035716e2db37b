"""Chinese names of the stable action, object and resource codes in the logs.

The codes stay English in the database (they are matched by tools and filters); people
see these labels. An unknown code is shown as it is rather than hidden.
"""

ACTIONS = {
    "batch_received": "接收批次",
    "batch_finished": "批次处理完成",
    "batch_rerun": "重新处理批次",
    "record_updated": "更新信用记录",
    "record_withdrawn": "撤回信用记录",
    "record_publish_minor": "设置轻微处罚公示",
    "publicity_recomputed": "重算公示期",
    "publicity_windows_updated": "公示状态到期变更",
    "publicity_rule_saved": "修改公示期限规则",
    "catalog_version_created": "新建目录版本",
    "department.create": "新建部门",
    "department.update": "修改部门",
    "user.create": "新建用户",
    "user.enable": "启用用户",
    "user.disable": "停用用户",
    "user.set_password": "重置密码",
    "api_client.create": "新建接口调用系统",
    "api_client.disable": "停用接口调用系统",
    "api_token.issue": "签发接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "api_token.set_expiry": "设置令牌有效期",
    "check.feedback": "核查反馈",
    "list_entry.import": "导入名单认定",
    "list_entry.notify": "名单告知",
    "list_entry.objection": "登记陈述申辩",
    "list_entry.waive_objection": "放弃陈述申辩",
    "list_entry.withdraw": "不予列入",
    "list_entry.decide": "作出列入决定",
    "list_entry.publish": "名单公开",
    "list_entry.remove_expired": "到期移出名单",
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
    "list_entry.remove_expiry": "期满移出名单",
    "subject.create": "登记信用主体",
}

OBJECTS = {
    "batch": "归集批次",
    "Batch": "归集批次",
    "record": "信用记录",
    "catalog": "信息事项",
    "DatasetVersion": "事项版本",
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
}

RESOURCES = {
    "records.shared": "共享信用记录",
    "measures.check": "信用核查",
    "subjects.review": "主体核对",
    "collection.report": "批次处理报告",
    "collection.error_rows": "错误行重新上报文件",
    "subjects.id_number": "信用主体身份证号码（脱敏显示）",
    "lists.waiver_material": "放弃陈述申辩书面材料",
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
}

VALUES = {
    "done": "已完成",
    "rejected": "已退回",
    "failed": "处理失败",
    "reject_all": "有错误行则整批退回",
    "reject_failed_rows": "仅退回错误行",
}


def action(code: str) -> str:
    return ACTIONS.get(code, code)


def object_type(code: str) -> str:
    return OBJECTS.get(code, code)


def resource(code: str) -> str:
    return RESOURCES.get(code, code)
