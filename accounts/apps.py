from django.apps import AppConfig


def update_last_login(sender, user, **kwargs) -> None:
    """Django's own, written as the user who logs in (netcrm/lib/generations.py)."""
    from django.contrib.auth.models import update_last_login as django_update_last_login

    from netcrm.lib import generations

    with generations.acting_for(user.pk):
        django_update_last_login(sender, user, **kwargs)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in

        from accounts.identity import IDENTITY
        from accounts.lockout import forgive_own_mistakes
        from accounts.models import Profile
        from netcrm.lib import generations

        user_logged_in.connect(forgive_own_mistakes, dispatch_uid="accounts.forgive_own_mistakes")
        # The signed-in user's copy in Redis (accounts/identity.py) lasts until one of
        # these rows changes. No page is kept under it: the rest of the user's
        # generations do not change with a log-in's last_login.
        generations.watch(get_user_model(), Profile, part=IDENTITY, whole=False)
        # A log-in's last_login is that user's row alone: it changes their identity
        # generation, not everyone's (the log-in's request is nobody's yet).
        if user_logged_in.disconnect(dispatch_uid="update_last_login"):
            user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
