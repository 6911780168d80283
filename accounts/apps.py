from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.lockout import forgive_own_mistakes

        user_logged_in.connect(forgive_own_mistakes, dispatch_uid="accounts.forgive_own_mistakes")
