"""Keep personal data out of the application log (ASVS 16.2.5).

A query string can carry a name or a date of birth (a search), and the request Django attaches to its
log records carries the form data, so neither reaches a log line. Settings attach the filter to the
console handler and to Django's request loggers.
"""

from __future__ import annotations

import logging
import re

# "GET /search/?name=Tamsin HTTP/1.1" → "GET /search/?[query removed] HTTP/1.1"
QUERY_REMOVED = "?[query removed]"
# A query string, unless already removed (the filter may see a record twice: logger, then handler).
_QUERY_STRING = re.compile(r"\?(?!\[query removed\])[^\s\"]*")


def without_query_string(text: str) -> str:
    return _QUERY_STRING.sub(QUERY_REMOVED, text)


class WithoutPersonalData(logging.Filter):
    """Removes query strings from request log lines and the request object from every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request", None) is not None:
            # Handlers that report the request (Django's AdminEmailHandler) would include its POST data.
            record.request = None
        if record.name in {"django.server", "django.request"} and isinstance(record.args, tuple):
            record.args = tuple(
                without_query_string(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
