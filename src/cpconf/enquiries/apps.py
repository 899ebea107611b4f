from __future__ import annotations

from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "cpconf.enquiries"
    label = "enquiries"
    verbose_name = "Enquiries"
