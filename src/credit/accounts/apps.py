from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "credit.accounts"
    verbose_name = "账号与部门"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from credit.accounts import lockout

        user_login_failed.connect(lockout.on_login_failed, dispatch_uid="credit_lockout_failed")
        user_logged_in.connect(lockout.on_logged_in, dispatch_uid="credit_lockout_success")

        from django.db.models.signals import post_save

        from credit.accounts import tokens
        from credit.accounts.models import ApiClient, ApiToken

        # Any save of a client or token (services, admin) drops this process's cached rows.
        post_save.connect(tokens.forget_saved, sender=ApiClient, dispatch_uid="credit_token_c")
        post_save.connect(tokens.forget_saved, sender=ApiToken, dispatch_uid="credit_token_t")
