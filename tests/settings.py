"""Settings for the test suite: the product's own settings in demo mode, with fast password hashing."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("CPCONF_DEMO", "1")
os.environ.setdefault("CPCONF_DATA_DIR", tempfile.mkdtemp(prefix="cpconf-test-"))

from cpconf.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Lockout would let one test's wrong passwords refuse another's sign-in; the lockout tests turn it on.
AXES_ENABLED = False
