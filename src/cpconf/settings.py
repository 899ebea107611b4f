"""Settings for cpconf, all read from the environment.

Secure by default: DEBUG is off, secure cookies and HSTS are on, and a secret key must be given.
``CPCONF_DEMO=1`` (set by ``make demo`` and the test suite) allows the published demo secret key and
plain-HTTP cookies so that the product runs on a laptop; production refuses to start with that key.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

# Lets classes such as admin.ModelAdmin[Child] be subscripted at run time, as the type checker sees them.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent

# The published key for demos and tests. It is public, so production refuses it.
DEMO_SECRET_KEY = "cpconf-demo-secret-key-public-never-use-in-production-0123456789"  # noqa: S105
# The published key that signs the demo's audit history. It is public too, so production refuses it.
DEMO_AUDIT_KEY = "cpconf-demo-audit-key-public-never-use-in-production-9876543210"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; anything other than a recognised word stops the start-up."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (or 1 or 0), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_str(name: str, default: str) -> str:
    """A text setting; ``NAME_FILE`` (a path to a file holding the value) is honoured for secrets."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE points to {file_path!r}, which cannot be read: {error}."
            ) from None
    return os.environ.get(name, default)


DEMO = env_bool("CPCONF_DEMO", False)
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY if (DEMO or DEBUG) else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it to a long random value (for example the output of "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set CPCONF_DEMO=1 to run the demo."
    )
if SECRET_KEY == DEMO_SECRET_KEY and not (DEMO or DEBUG):
    raise ImproperlyConfigured(
        "SECRET_KEY is the published demo key. Production refuses to start with it: set SECRET_KEY to your own "
        "long random value."
    )

# The key that signs the access log and audit history (docs/audit.md). It lives outside the database,
# so that someone who can change the database cannot rewrite the history and re-sign it. Retired keys
# are kept (comma-separated) so that entries they signed still verify after a rotation.
CPCONF_AUDIT_KEY = env_str("CPCONF_AUDIT_KEY", DEMO_AUDIT_KEY if (DEMO or DEBUG) else "")
CPCONF_AUDIT_OLD_KEYS = [
    key.strip() for key in env_str("CPCONF_AUDIT_OLD_KEYS", "").split(",") if key.strip()
]
if not CPCONF_AUDIT_KEY:
    raise ImproperlyConfigured(
        "CPCONF_AUDIT_KEY is not set. Set it to a long random value kept apart from the database (for "
        "example the output of `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set "
        "CPCONF_DEMO=1 to run the demo."
    )
if DEMO_AUDIT_KEY in {CPCONF_AUDIT_KEY, *CPCONF_AUDIT_OLD_KEYS} and not (DEMO or DEBUG):
    raise ImproperlyConfigured(
        "CPCONF_AUDIT_KEY is the published demo key. Production refuses to start with it: set "
        "CPCONF_AUDIT_KEY to your own long random value."
    )
if CPCONF_AUDIT_KEY == SECRET_KEY and not (DEMO or DEBUG):
    raise ImproperlyConfigured(
        "CPCONF_AUDIT_KEY must not be the same as SECRET_KEY: give each its own value."
    )

# Where the zero-set-up SQLite database and uploaded files live.
DATA_DIR = Path(env_str("CPCONF_DATA_DIR", str(Path.cwd() / "var"))).resolve()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    # Loads each app's rules.py (cpconf.access.rules) at start-up, and gives templates {% test_rule %}.
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # django-ninja's templates and static files: the API's documentation page uses its own copy of
    # Swagger UI, never a CDN (strict CSP; docs/api.md).
    "ninja",
    "cpconf.web",
    "cpconf.people",
    "cpconf.access",
    "cpconf.notifications",
    "cpconf.enquiries",
    "cpconf.conferences",
    "cpconf.plans",
    "cpconf.retention",
    "cpconf.minutes",
    "cpconf.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cpconf.web.middleware.SessionSecurityMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cpconf.web.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cpconf.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "cpconf.urls"
WSGI_APPLICATION = "cpconf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cpconf.web.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'cpconf.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        # SQLite cannot create the folder its file lives in; do it so that a fresh install just works.
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Writers wait for each other instead of failing at once; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:signed-out"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Need-to-know rules (cpconf.access.rules) as object permissions; it never authenticates anyone.
    "rules.permissions.ObjectPermissionBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Uploaded reports (issue 3, item 8): outside the web root and never served directly.
CPCONF_UPLOAD_ROOT = Path(env_str("CPCONF_UPLOAD_ROOT", str(DATA_DIR / "uploads"))).resolve()
# The largest report accepted (R-PR-4 reports as PDF or Word files).
CPCONF_MAX_UPLOAD_BYTES = env_int("CPCONF_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# A virus scanner for uploaded reports: the dotted path of a callable given each file before it is kept,
# which raises cpconf.conferences.uploads.VirusFound to refuse it (cpconf/conferences/uploads.py). None by
# default: no scanner is assumed to be installed.
CPCONF_UPLOAD_SCANNER = env_str("CPCONF_UPLOAD_SCANNER", "") or None
# The conference office's address: the organiser of calendar invitations (the sender's own if unset).
CPCONF_CONFERENCE_OFFICE_EMAIL = env_str("CPCONF_CONFERENCE_OFFICE_EMAIL", "")
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
# Production serves the hashed files collected by `cpconf collectstatic`; demo and tests read the app folders.
WHITENOISE_USE_FINDERS = DEMO or DEBUG
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEMO or DEBUG)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Background work runs in `cpconf db_worker`, from a queue kept in the database (no broker to run).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

FORM_RENDERER = "cpconf.web.forms.GovukFormRenderer"

# Email (Django 6.1 mailers). The demo prints messages to the console unless EMAIL_BACKEND says otherwise.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true: choose one.")
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
# Every email variable is read (so that a mistake is reported) even when the backend does not use it.
_smtp_options = {
    "host": env_str("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587),
    "username": env_str("EMAIL_HOST_USER", ""),
    "password": env_str("EMAIL_HOST_PASSWORD", ""),
    "use_tls": EMAIL_USE_TLS,
    "use_ssl": EMAIL_USE_SSL,
    "timeout": env_int("EMAIL_TIMEOUT", 30),
}
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": _smtp_options if _email_backend.endswith("smtp.EmailBackend") else {},
    }
}
del (
    EMAIL_USE_TLS,
    EMAIL_USE_SSL,
    _smtp_options,
)  # deprecated setting names in Django 6.1; they live in MAILERS now
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cpconf <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Security. Production defaults are strict; the demo on http://127.0.0.1 cannot use secure cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The longest a session lasts from sign-in, however busy (enforced by cpconf.web.middleware).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Seconds without a request after which a session ends (ASVS 7.3.1).
SESSION_INACTIVITY_TIMEOUT = env_int("SESSION_INACTIVITY_TIMEOUT", 30 * 60)
if SESSION_INACTIVITY_TIMEOUT < 60 or SESSION_COOKIE_AGE < SESSION_INACTIVITY_TIMEOUT:
    raise ImproperlyConfigured(
        "SESSION_INACTIVITY_TIMEOUT must be at least 60 seconds and no more than SESSION_COOKIE_AGE."
    )
CSRF_COOKIE_HTTPONLY = True
_https = not (DEMO or DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _https)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _https)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _https)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _https)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Behind a proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style without the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Sign-in protection (docs/security.md). django-axes locks a sign-in after AXES_FAILURE_LIMIT wrong
# passwords for the same email address from the same address, for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
_lockout_minutes = env_int("AXES_COOLOFF_MINUTES", 30)
if AXES_FAILURE_LIMIT < 1 or _lockout_minutes < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be 1 or more.")
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes)
# The pair, never the email address alone: otherwise anyone could lock a chair out by typing theirs.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner on standard error: command errors stay one line
AXES_USERNAME_CALLABLE = "cpconf.web.lockout.username_for_lockout"
AXES_CLIENT_IP_CALLABLE = "cpconf.web.lockout.client_ip_address"
AXES_LOCKOUT_CALLABLE = "cpconf.web.views.locked_out"
# Masked in django-axes' log lines and in the form data it keeps ("password" always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "email"]
# How many proxies that append to X-Forwarded-For stand in front of cpconf (0: clients connect directly).
CPCONF_PROXY_COUNT = env_int("CPCONF_PROXY_COUNT", 0)

# Two-factor sign-in (ASVS 6.3.3): everyone who can see a child's record confirms a code from an
# authenticator app. Only the demo, whose people are fictional, may turn it off.
CPCONF_REQUIRE_TWO_FACTOR = env_bool("CPCONF_REQUIRE_TWO_FACTOR", not DEMO)
if not CPCONF_REQUIRE_TWO_FACTOR and not DEMO:
    raise ImproperlyConfigured(
        "CPCONF_REQUIRE_TWO_FACTOR can be turned off only in the demo (CPCONF_DEMO=1): everyone who "
        "can see a child's record must sign in with a code from an authenticator app."
    )
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows an app's secret key or recovery codes
OTP_TOTP_THROTTLE_FACTOR = 1  # after each wrong code, wait 1, 2, 4, 8... seconds
OTP_STATIC_THROTTLE_FACTOR = 1

# The application log carries no personal data: request logging never includes query strings or the
# request itself (which holds the form data), and nothing is emailed.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_personal_data": {"()": "cpconf.web.log_filters.WithoutPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["without_personal_data"]}},
    "loggers": {
        # Django's own handlers go (no email to ADMINS); its records reach the filtered console.
        "django": {"handlers": [], "propagate": True},
        # Filtered where they are logged too, so that any handler added later sees them filtered.
        "django.request": {"handlers": [], "filters": ["without_personal_data"], "propagate": True},
        "django.server": {"handlers": [], "filters": ["without_personal_data"], "propagate": True},
        # WeasyPrint (the minutes' PDFs) reports each step of every render at INFO: only its warnings.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The name shown in the header when nobody is signed in (a signed-in user sees their own authority).
CPCONF_SERVICE_NAME = env_str("CPCONF_SERVICE_NAME", "Child protection conferences")
OTP_TOTP_ISSUER = CPCONF_SERVICE_NAME  # the name people see beside the code in their authenticator app

# The address people use to reach the service, for the links in its emails (docs/email.md): scheme and
# host, no path. Production defaults to https:// and the first of ALLOWED_HOSTS, and refuses a value it
# cannot make a link from; the demo defaults to the address `make demo` serves.
_site_host = ALLOWED_HOSTS[0] if ALLOWED_HOSTS else ""
CPCONF_SITE_URL = env_str(
    "CPCONF_SITE_URL",
    "http://127.0.0.1:8000" if (DEMO or DEBUG) else (f"https://{_site_host}" if _site_host else ""),
).rstrip("/")
_SITE_URL_FORM = r"https?://([A-Za-z0-9]([A-Za-z0-9.\-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:]+\])(:\d{1,5})?"
if not re.fullmatch(_SITE_URL_FORM, CPCONF_SITE_URL) or (
    CPCONF_SITE_URL.startswith("http://") and not (DEMO or DEBUG)
):
    raise ImproperlyConfigured(
        f"CPCONF_SITE_URL must be the https:// address people use to reach the service, with no path, "
        f"for example https://cpconf.council.example, not {CPCONF_SITE_URL!r}."
    )
del _site_host, _SITE_URL_FORM

# Break glass (docs/access.md): how long a record opened in an emergency stays open (security note §0:
# time-boxed; DHIS2 uses 3 hours). At most a working day: longer stops being an emergency.
CPCONF_BREAK_GLASS_HOURS = env_int("CPCONF_BREAK_GLASS_HOURS", 3)
if not 1 <= CPCONF_BREAK_GLASS_HOURS <= 12:
    raise ImproperlyConfigured("CPCONF_BREAK_GLASS_HOURS must be a whole number of hours from 1 to 12.")
