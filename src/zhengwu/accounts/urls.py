"""The accounts app has no pages of its own: sign-in, sign-out and recovery are
``zhengwu.signin`` (ACC-1 … ACC-3) at ``/login/``, ``/logout/`` and ``/recover/…``."""

app_name = "accounts"
urlpatterns: list = []
