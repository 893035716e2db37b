"""Examples shown in the collection API's documentation (Swagger's 示例值), never read by
the code: they show what a department sends for one shipped dataset, 行政处罚 (penalty),
because an example needs real field names. Which datasets exist and what their fields are
comes from the catalog; `tests/test_dataset_codes.py` allows this module by name as
documentation text.
"""

UPLOAD = {
    "file": "行政处罚.xlsx",
    "dataset": "penalty",
    "policy": "reject_failed_rows",
    "dry_run": False,
}

UPLOAD_CURL = (
    "示例：`curl -H 'Authorization: Bearer <令牌>' "
    "-F dataset=penalty -F policy=reject_failed_rows -F file=@处罚.xlsx "
    "https://<平台地址>/api/v1/batches`"
)

PUSH = {
    "dataset": "penalty",
    "policy": "reject_failed_rows",
    "dry_run": False,
    "items": [
        {
            "行政相对人名称": "本溪市测试商贸有限公司",
            "行政相对人类别": "法人及非法人组织",
            "行政相对人代码_1（统一社会信用代码）": "91210502MA00000012",
            "法定代表人": "张三",
            "行政处罚决定书文号": "本市监罚〔2026〕1号",
            "违法行为类型": "违反产品质量法",
            "违法事实": "销售不合格产品",
            "处罚依据": "《中华人民共和国产品质量法》第四十九条",
            "处罚类别": "警告;罚款",
            "处罚内容": "警告并处罚款2000元",
            "罚款金额（万元）": "0.2",
            "处罚决定日期": "2026/03/02",
            "处罚有效期": "2027/03/02",
            "处罚机关": "本溪市市场监督管理局",
            "处罚机关统一社会信用代码": "11210500MB1544202W",
            "数据来源单位": "本溪市市场监督管理局",
            "数据来源单位统一社会信用代码": "11210500MB1544202W",
            "失信严重程度": "一般",
        }
    ],
}
