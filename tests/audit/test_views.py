def test_log_pages_show_chinese_labels(client, auditor_user, system_actor):
    from credit.audit.services import log_access, log_change

    log_change(
        system_actor, "batch_finished", "batch", "x", after={"state": "rejected", "dry_run": False}
    )
    log_access(system_actor, "records.shared", "行政审批核查", subject_id=1, subject_label="某公司")
    client.force_login(auditor_user)
    page = client.get("/console/audit/changes/").content.decode()
    assert "批次处理完成" in page and "归集批次" in page
    assert "已退回" in page and "仅校验" in page
    assert "batch_finished</td>" not in page
    assert "共享信用记录" in client.get("/console/audit/access/").content.decode()
