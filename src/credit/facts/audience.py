"""Who reads facts. The table of what each audience sees is in docs/architecture.md
("credit-facts kernel"); each fact kind implements it in its own `visible()`."""

from django.db import models


class Audience(models.TextChoices):
    # The portal, the public read API and public reports.
    PUBLIC = "public", "社会公众"
    # Government departments receiving a subject's facts by sharing (共享 API, reports).
    SHARING = "sharing", "政务共享"
    # A department's credit check (信用核查) of subjects in its own business.
    CHECK = "check", "信用核查"
    # The department that provided the fact, in its own console.
    PROVIDER = "provider", "数据提供单位"
    # The subject itself (self-query, its own credit report).
    SUBJECT = "subject", "信用主体本人"
    # The credit office at its own work on subjects (review of duplicates, and the
    # objections and repairs to come): every fact in every state, withdrawn and unpublished
    # included. Pages reading as the office check who may (credit office, auditors).
    OFFICE = "office", "信用主管部门"
