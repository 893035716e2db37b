from django.apps import AppConfig
from django.db.models.signals import post_save


class ListsConfig(AppConfig):
    name = "credit.lists"
    verbose_name = "红黑名单"

    def ready(self) -> None:
        from credit import facts
        from credit.accounts.models import Department
        from credit.lists import exposure, seed
        from credit.lists.models import ListEntry

        facts.register(facts.LIST_ENTRY, ListEntry, exposure.visible, label="名单条目")

        # Departments are seeded after migrations run, so shipped list types learn their
        # recognising department when that department appears.
        post_save.connect(
            seed.link_department_receiver, sender=Department, dispatch_uid="lists-link-department"
        )
