"""Settings for caremarket, read from environment variables.

One file, as in healthchecks: every setting a council may change is an environment variable read
through a helper that rejects bad values with a message naming the variable. `DATABASE_URL`
selects PostgreSQL; unset means the embedded SQLite database in `var/`.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from caremarket.rules.maps import tile_server

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def envbool(name: str, default: str) -> bool:
    """A yes/no setting; anything but true/false/1/0/yes/no is refused."""
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


DEBUG = envbool("CAREMARKET_DEBUG", "false")
VAR_DIR = Path(os.environ.get("CAREMARKET_VAR_DIR", PROJECT_DIR / "var"))


def _installation_key(variable: str, file_name: str, generate: Callable[[], str]) -> str:
    """The key in `variable`, or one generated once per installation into var/`file_name`.

    A fixed default key would let anyone forge sessions or read encrypted answers, so an unset
    key is generated on first start and kept (owner-only) in var/, so the demo and the tests
    run; a council in production sets the variable.
    """
    raw = os.environ.get(variable, "").strip()
    if raw:
        return raw
    key_file = VAR_DIR / file_name
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    raw = generate()
    key_file.write_text(raw, encoding="utf-8")
    key_file.chmod(0o600)
    return raw


def _random_base64_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _random_secret_key() -> str:
    from django.core.management.utils import get_random_secret_key

    return get_random_secret_key()


SECRET_KEY = _installation_key("CAREMARKET_SECRET_KEY", "secret_key", _random_secret_key)


def _data_keys() -> list[str]:
    """The Fernet keys that encrypt residents' answers at rest, newest first.

    `CAREMARKET_DATA_KEY` holds one key, or several separated by commas while rotating (the
    first encrypts, all decrypt); unset, one is generated into var/data_key.
    """
    raw = _installation_key("CAREMARKET_DATA_KEY", "data_key", _random_base64_key)
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    for key in keys:
        try:
            if len(base64.urlsafe_b64decode(key.encode("ascii"))) != 32:
                raise ValueError
        except (ValueError, binascii.Error, UnicodeEncodeError):
            raise ImproperlyConfigured(
                "CAREMARKET_DATA_KEY must be one or more Fernet keys (32 url-safe base64 bytes) "
                "separated by commas"
            ) from None
    return keys


DATA_KEYS = _data_keys()


def _pseudonym_key() -> bytes:
    """The key that pseudonymises NHS numbers and local person ids in Client Level Data.

    Kept beside the data keys but apart from them: `CAREMARKET_PSEUDONYM_KEY` (32 or more
    url-safe base64 bytes), or generated once into var/pseudonym_key. It is never rotated with
    the data keys, because the same person must keep the same pseudonym from file to file;
    losing it means re-importing every CLD file.
    """
    raw = _installation_key("CAREMARKET_PSEUDONYM_KEY", "pseudonym_key", _random_base64_key)
    try:
        key = base64.urlsafe_b64decode(raw.encode("ascii"))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        key = b""
    if len(key) < 32:
        raise ImproperlyConfigured(
            "CAREMARKET_PSEUDONYM_KEY must be at least 32 url-safe base64 bytes"
        )
    return key


PSEUDONYM_KEY = _pseudonym_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CAREMARKET_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CAREMARKET_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "caremarket.accounts",
    "caremarket.places",
    "caremarket.imports",
    "caremarket.needs",
    "caremarket.market",
    "caremarket.calc",
    "caremarket.front",
    "caremarket.assessments",
    "caremarket.planning",
    "caremarket.statements",
    "caremarket.directory",
    "caremarket.quality",
    "caremarket.outcomes",
    "caremarket.sourcing",
]

MIDDLEWARE = [
    "caremarket.proxies.ClientAddressMiddleware",
    "caremarket.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "caremarket.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF reads it in process_view, after every __call__).
    "caremarket.requestlimits.RequestLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it is the first to see a view's exception: a locked database is a 503 page.
    "caremarket.busy.DatabaseBusyMiddleware",
]

# Requests are refused before they are read when larger than these (caremarket.requestlimits):
# a body over CAREMARKET_MAX_REQUEST_KB, except a signed-in member of staff's data file on the
# upload page, up to CAREMARKET_MAX_UPLOAD_MB; an address longer than MAX_URL_LENGTH, which stays
# under gunicorn's 8190-byte request line so Django, not gunicorn, answers.
MAX_REQUEST_BYTES = envint("CAREMARKET_MAX_REQUEST_KB", 2560) * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES  # Django's own check when the body is read
MAX_UPLOAD_BYTES = envint("CAREMARKET_MAX_UPLOAD_MB", 50) * 1024 * 1024
MAX_URL_LENGTH = 8000
# Audit evidence files (caremarket.quality.evidence): stored under MEDIA_ROOT, never served as
# static files; each at most CAREMARKET_EVIDENCE_MAX_MB (default 10, within the upload limit).
MEDIA_ROOT = VAR_DIR / "media"
EVIDENCE_MAX_BYTES = envint("CAREMARKET_EVIDENCE_MAX_MB", 10) * 1024 * 1024
for _name, _limit in (
    ("CAREMARKET_MAX_REQUEST_KB", MAX_REQUEST_BYTES),
    ("CAREMARKET_MAX_UPLOAD_MB", MAX_UPLOAD_BYTES),
    ("CAREMARKET_EVIDENCE_MAX_MB", EVIDENCE_MAX_BYTES),
):
    if _limit <= 0:
        raise ImproperlyConfigured(f"{_name} must be more than 0")

ROOT_URLCONF = "caremarket.urls"
WSGI_APPLICATION = "caremarket.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caremarket.front.context.service",
            ],
        },
    },
]


def database_from_env() -> dict[str, object]:
    """PostgreSQL from DATABASE_URL, or the embedded SQLite database in WAL mode."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("CAREMARKET_SQLITE_PATH", str(VAR_DIR / "caremarket.sqlite3")),
            "OPTIONS": {
                # WAL lets readers (the web workers) run while an import writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA mmap_size=268435456;"  # reads of a large directory index
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if not url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            "DATABASE_URL must be a postgresql:// URL (or unset for SQLite), "
            f"not one starting {url.split(':', 1)[0]!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (add /dbname at the end)")
    options = config.setdefault("OPTIONS", {})
    options["connect_timeout"] = envint("CAREMARKET_DB_CONNECT_TIMEOUT", 5)
    # Web requests run short queries side by side: parallel query workers cost more than they
    # save there (directory search under load: 14 → 24 requests/s on 2 cores). A session can
    # still SET max_parallel_workers_per_gather for a long report.
    options["options"] = "-c max_parallel_workers_per_gather=0"
    return dict(config)


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # The database cache is shared by all server workers, so the login rate limit holds
    # across them without another service to run.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "caremarket_cache",
    }
}

#: How long a very broad directory search's ranked candidates and count are reused (seconds;
#: 0: never). Any change to the search index makes them stale at once; the filters are always
#: applied afresh.
SEARCH_CACHE_SECONDS = max(0, envint("CAREMARKET_SEARCH_CACHE_SECONDS", 300))

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "front:home"
LOGIN_RATE = os.environ.get("CAREMARKET_LOGIN_RATE", "10/15m")


def _check_login_rate() -> None:
    from caremarket.accounts.limits import parse_rate

    try:
        parse_rate(LOGIN_RATE)
    except ValueError as error:
        raise ImproperlyConfigured(f"CAREMARKET_LOGIN_RATE {error}") from None


_check_login_rate()

# Staff sessions end after two hours idle, and when the browser closes.
SESSION_COOKIE_AGE = envint("CAREMARKET_SESSION_SECONDS", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# How many proxies of the council's own stand in front, each appending to X-Forwarded-For
# (caremarket.proxies); 0 ignores the header.
TRUSTED_PROXIES = envint("CAREMARKET_PROXIES", 0)
if not 0 <= TRUSTED_PROXIES <= 5:
    raise ImproperlyConfigured(f"CAREMARKET_PROXIES must be from 0 to 5, not {TRUSTED_PROXIES}")

HTTPS = envbool("CAREMARKET_HTTPS", "false")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("CAREMARKET_SSL_REDIRECT", "true")
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: everything from this origin only; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

#: A council's map tiles (an XYZ URL template and its attribution, both or neither): with them
#: directory results and service pages show a map and the policy allows that one tile host;
#: without them there is no map and no map script. Checked here, so a bad one stops the start.
try:
    MAP_TILES = tile_server(
        os.environ.get("CAREMARKET_MAP_TILES", ""), os.environ.get("CAREMARKET_MAP_ATTRIBUTION", "")
    )
except ValueError as bad:
    raise ImproperlyConfigured(
        f"CAREMARKET_MAP_TILES / CAREMARKET_MAP_ATTRIBUTION: {bad}"
    ) from None
if MAP_TILES is not None:
    CONTENT_SECURITY_POLICY["img-src"].append(MAP_TILES.source)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("CAREMARKET_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("CAREMARKET_MANIFEST_STATIC", "true")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    # Logs carry request paths and errors, never form contents: personal data stays out, and
    # secrets in paths (the carry-on link's token) are rewritten by caremarket.logs.
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secrets": {"()": "caremarket.logs.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("CAREMARKET_LOG_LEVEL", "WARNING")},
}

SERVICE_NAME = os.environ.get("CAREMARKET_SERVICE_NAME", "Care market")


def council_codes(name: str) -> tuple[str, ...] | None:
    """Which built-in councils `migrate` loads: None for all 153 (`all`, the default), none
    (`none`), or the ONS codes listed, comma-separated (checked against the list on migrate)."""
    raw = os.environ.get(name, "all").strip()
    if raw.lower() in ("", "all"):
        return None
    if raw.lower() == "none":
        return ()
    codes = tuple(c.strip().upper() for c in raw.split(",") if c.strip())
    bad = [c for c in codes if not (len(c) == 9 and c[0] == "E" and c[1:].isdigit())]
    if bad:
        raise ImproperlyConfigured(
            f"{name} must be all, none or English council ONS codes separated by commas "
            f"(like E06000021,E08000026), not {bad[0]!r}"
        )
    return codes


#: The councils with adult social services responsibilities this instance serves.
COUNCILS = council_codes("CAREMARKET_COUNCILS")
EXAMPLES_DIR = Path(os.environ.get("CAREMARKET_EXAMPLES_DIR", PROJECT_DIR / "examples"))
CSRF_FAILURE_VIEW = "caremarket.front.views.csrf_failure"

# Email: an SMTP server when CAREMARKET_EMAIL_HOST is set. Without one, emails are written as
# files to var/sent-email/ (readable by the owner only), never to the log: they carry residents'
# addresses and their carry-on links. The console backend would print them, so it is refused.
# Tests use Django's in-memory backend.
EMAIL_HOST = os.environ.get("CAREMARKET_EMAIL_HOST", "").strip()
EMAIL_BACKEND = os.environ.get("CAREMARKET_EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "caremarket.emails.PrivateFileBackend"
)
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend" and not DEBUG:
    raise ImproperlyConfigured(
        "CAREMARKET_EMAIL_BACKEND must not be the console backend: it writes residents' email "
        "addresses and links into the server log (set CAREMARKET_EMAIL_HOST to send email)"
    )
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_FILE_PATH = str(VAR_DIR / "sent-email")
EMAIL_PORT = envint("CAREMARKET_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("CAREMARKET_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CAREMARKET_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("CAREMARKET_EMAIL_TLS", "false")
DEFAULT_FROM_EMAIL = os.environ.get("CAREMARKET_FROM_EMAIL", "no-reply@localhost")
