from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cpconf.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cpconf.web.middleware import session_started

        # Every sign-in starts the session's inactivity and lifetime clocks.
        user_logged_in.connect(session_started, dispatch_uid="cpconf.web.session_started")
