from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "credit.subjects"
    verbose_name = "信用主体"
