from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "credit.portal"
    verbose_name = "信用本溪门户"

    def ready(self):
        from credit.portal import checks  # noqa: F401  (registers the system check)
