"""Settings for every environment.

Production differs from development only through the environment (read with
django-environ, and from a `.env` file beside `manage.py` when present). A value
that cannot be understood stops the process with a message naming it: a typo in
`DJANGO_DEBUG` must not silently switch debugging on or off.
"""

from decimal import Decimal, InvalidOperation
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local state of a development or demo run: SQLite, the filesystem broker, media.
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"), overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but a clear yes or no fails loudly."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_decimal(name: str, default: str, *, low: str, high: str) -> Decimal:
    raw = env.str(name, default=default)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not Decimal(low) <= value <= Decimal(high):
        raise ImproperlyConfigured(f"{name}={raw!r} must lie between {low} and {high}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs a long random secret; "
            "for development set DJANGO_DEBUG=true (scripts/run writes a .env for you)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    # A short or made-up secret lets anyone forge sessions and password-reset links.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak for production: use at least 50 random characters, "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "hall.axes_app.AxesConfig",  # django-axes, with a Chinese name in the admin
    "csp",
    # The hall's own apps, lowest first: each may import only those above it.
    "hall",
    "windows",
    "staff",
    "accountability",
    "cases",
    "complaints",
    "patrols",
    "assessment",
    "supervision",
    "demo",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hall.middleware.HallCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hall.middleware.HallLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hall.middleware.RejectNulMiddleware",
    "hall.middleware.IdleSessionMiddleware",
    "hall.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hall.context_processors.hall",
                "staff.context_processors.scope",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web, the worker and beat share one SQLite file: wait for a lock
    # instead of failing, and let readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ---------------------------------------------------------------------------
# Logins in the manner of graded protection (等保 2.0, 身份鉴别): complex passwords,
# a lockout after repeated failures, idle sessions ended, every login logged.
# ---------------------------------------------------------------------------
HALL_PASSWORD_MIN_LENGTH = env_int("HALL_PASSWORD_MIN_LENGTH", default=10, minimum=8)
# Of upper-case letters, lower-case letters, digits and other characters.
HALL_PASSWORD_MIN_CLASSES = env_int("HALL_PASSWORD_MIN_CLASSES", default=3, minimum=1)
if HALL_PASSWORD_MIN_CLASSES > 4:
    raise ImproperlyConfigured("HALL_PASSWORD_MIN_CLASSES counts four classes at most.")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": HALL_PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "hall.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": HALL_PASSWORD_MIN_CLASSES},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out account before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one account lock it for 15 minutes. The account, not the
# address: a hall's counters share one public address, and one clerk's typos must not
# lock out the hall.
AXES_FAILURE_LIMIT = env_int("HALL_LOGIN_FAILURE_LIMIT", default=5, minimum=1)
HALL_LOGIN_LOCKOUT_MINUTES = env_int("HALL_LOGIN_LOCKOUT_MINUTES", default=15, minimum=1)
AXES_COOLOFF_TIME = HALL_LOGIN_LOCKOUT_MINUTES / 60  # hours, as django-axes reads a number
AXES_LOCKOUT_PARAMETERS = ["username"]
# django-axes warns when the address is not a lockout parameter; here that is the
# decision above, not an oversight.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "hall.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "hall.security.client_ip"
AXES_VERBOSE = False
# An idle session ends after this many minutes; the page warns this many seconds
# before, and a click on "stay signed in" (or typing in the page) keeps it.
HALL_SESSION_IDLE_MINUTES = env_int("HALL_SESSION_IDLE_MINUTES", default=30, minimum=1)
HALL_SESSION_WARNING_SECONDS = env_int("HALL_SESSION_WARNING_SECONDS", default=120, minimum=10)
# However busy, a session lasts at most a working day and ends with the browser.
SESSION_COOKIE_AGE = env_int("HALL_SESSION_MAX_HOURS", default=12, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Language and time: the hall speaks Chinese, English is one click away.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security switches that a hall behind a TLS-terminating proxy turns on.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", default=0)
# Behind a proxy that terminates TLS: trust its X-Forwarded-Proto, and take the
# client's address from the last X-Forwarded-For entry it adds (the login log).
HALL_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
if HALL_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): the hall's own static files only. No inline
# script anywhere; the vendored htmx and Bootstrap run from /static/. Images may be
# data: URIs (the QR codes and charts the hall draws itself). The admin gets inline
# styles, which Django's own admin templates still use (hall.middleware.HallCSPMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport,
# which needs no server (the broker is a folder under var/).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://")
BROKER_DIR = Path(env.str("HALL_BROKER_DIR", default=str(VAR_DIR / "broker")))
RESULTS_DIR = Path(env.str("HALL_RESULTS_DIR", default=str(VAR_DIR / "celery-results")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A request must never hang on a broker that is down: fail fast, the sweeps
    # repair what was not queued.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 1,
        "visibility_timeout": 3600,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_REDIS_SOCKET_TIMEOUT = 5
else:
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{RESULTS_DIR}"
    # The folders must exist before a worker, beat or the web app touches them.
    for _folder in (BROKER_DIR / "queue", BROKER_DIR / "control", RESULTS_DIR):
        _folder.mkdir(parents=True, exist_ok=True)
# The cache holds short-lived counters (the tracking page's rate limit); shared
# through Redis when there is one, so every web worker sees the same counts.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# ---------------------------------------------------------------------------
# The hall's own figures. Each comes from a rule in ../shared/domain.md and is a
# setting so that a hall whose regulation differs can change it.
# ---------------------------------------------------------------------------
HALL_NAME = env.str("HALL_NAME", default="示范县政务服务中心")

# R-ITEM-2: the promised limit is at most 40 % of the statutory limit (S4 四(七)).
HALL_PROMISED_LIMIT_MAX_RATIO = env_decimal(
    "HALL_PROMISED_LIMIT_MAX_RATIO", default="0.4", low="0.01", high="1"
)

# N-4: the first and last year seeded from the chinesecalendar package.
HALL_CALENDAR_SEED_YEARS = (2004, 2026)

# The font WeasyPrint asks fontconfig for; installed by scripts/setup-system.
HALL_PDF_FONT_FAMILY = "Noto Sans CJK SC"

# Largest uploaded file (sample forms, attachments), in bytes.
HALL_UPLOAD_MAX_BYTES = env_int("HALL_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024, minimum=1024)

# --- Cases (issue 3) -------------------------------------------------------
# N-1 art. 42: a limit may be extended by at most 10 working days.
HALL_EXTENSION_MAX_DAYS = env_int("HALL_EXTENSION_MAX_DAYS", default=10, minimum=1)
# N-1 art. 32: a supplement notice within 5 working days of receiving the
# materials, otherwise the case counts as accepted on the day they arrived.
HALL_SUPPLEMENT_NOTICE_DAYS = env_int("HALL_SUPPLEMENT_NOTICE_DAYS", default=5, minimum=0)
# N-3: the warning light shows this many working days before the promised date.
HALL_WARNING_DAYS = env_int("HALL_WARNING_DAYS", default=2, minimum=0)
# R-CASE-4: the window head reviews a rejection filing within 2 working days;
# a wrong refusal is corrected and the applicant told within 1 working day.
HALL_REJECTION_REVIEW_DAYS = env_int("HALL_REJECTION_REVIEW_DAYS", default=2, minimum=1)
HALL_REJECTION_CORRECTION_DAYS = env_int("HALL_REJECTION_CORRECTION_DAYS", default=1, minimum=1)
# R-CASE-7: a leader-assigned item that is not urgent is done within one week.
HALL_LEADER_ITEM_DAYS = env_int("HALL_LEADER_ITEM_DAYS", default=5, minimum=1)
# Public tracking: wrong codes allowed per address before a pause (minutes).
HALL_TRACKING_MAX_FAILURES = env_int("HALL_TRACKING_MAX_FAILURES", default=5, minimum=1)
HALL_TRACKING_LOCK_MINUTES = env_int("HALL_TRACKING_LOCK_MINUTES", default=15, minimum=1)

# --- Supervision (issue 4) --------------------------------------------------
# A pending extension is decided within this many working days, or its light turns.
HALL_EXTENSION_DECISION_DAYS = env_int("HALL_EXTENSION_DECISION_DAYS", default=1, minimum=1)
# How often beat runs the lights sweep, in seconds (N-3).
HALL_SWEEP_SECONDS = env_int("HALL_SWEEP_SECONDS", default=60, minimum=5)
# The public hall screen refreshes itself this often, in seconds.
HALL_SCREEN_REFRESH_SECONDS = env_int("HALL_SCREEN_REFRESH_SECONDS", default=30, minimum=5)

# --- Staff (issue 5) --------------------------------------------------------
# R-ORG-7: on post this many minutes before opening, or late.
HALL_ON_POST_MARGIN_MINUTES = env_int("HALL_ON_POST_MARGIN_MINUTES", default=10, minimum=0)
# R-ORG-7: away longer than this without the window head's leave and a substitute
# is an attendance breach.
HALL_AWAY_LIMIT_MINUTES = env_int("HALL_AWAY_LIMIT_MINUTES", default=20, minimum=1)
# R-ORG-8: department heads visit their windows at least this often a year.
HALL_VISITS_PER_YEAR = env_int("HALL_VISITS_PER_YEAR", default=12, minimum=1)
# R-ORG-3: age guidance for a proposed window head and clerk ("原则上"): above it the
# reviewer sees a warning; it never blocks.
HALL_AGE_GUIDANCE_HEAD = env_int("HALL_AGE_GUIDANCE_HEAD", default=50, minimum=18)
HALL_AGE_GUIDANCE_CLERK = env_int("HALL_AGE_GUIDANCE_CLERK", default=40, minimum=18)
# R-ORG-4: a swap request reaches the center at least this many days ahead (S2 §16).
HALL_SWAP_NOTICE_DAYS = env_int("HALL_SWAP_NOTICE_DAYS", default=5, minimum=0)
# R-ORG-4: no swap within the stability period after taking the post: "half_year"
# (the county's S2 §16) or "assessment_year" (the city's S4 二.3: twelve months).
HALL_STABILITY_PERIOD = env.str("HALL_STABILITY_PERIOD", default="half_year")
if HALL_STABILITY_PERIOD not in ("half_year", "assessment_year"):
    raise ImproperlyConfigured(
        "HALL_STABILITY_PERIOD must be half_year or assessment_year, "
        f"not {HALL_STABILITY_PERIOD!r}."
    )

# --- Complaints (issue 6) ---------------------------------------------------
# R-COMP-1: the public web form takes at most this many complaints an hour from
# one address.
HALL_COMPLAINT_MAX_PER_HOUR = env_int("HALL_COMPLAINT_MAX_PER_HOUR", default=5, minimum=1)
# R-COMP-2: the window proposes a resolution within this many working days.
HALL_COMPLAINT_RESPONSE_DAYS = env_int("HALL_COMPLAINT_RESPONSE_DAYS", default=5, minimum=1)
# R-COMP-3: a violation reported by the public is concluded within this many months.
HALL_COMPLAINT_CONCLUDE_MONTHS = env_int("HALL_COMPLAINT_CONCLUDE_MONTHS", default=1, minimum=1)
# R-COMP-2: the other steps' clocks, in working days: the inspector transfers a new
# complaint, replies once the resolution is proposed, and concludes (or re-opens)
# once the complainant was replied to.
HALL_COMPLAINT_TRANSFER_DAYS = env_int("HALL_COMPLAINT_TRANSFER_DAYS", default=1, minimum=1)
HALL_COMPLAINT_REPLY_DAYS = env_int("HALL_COMPLAINT_REPLY_DAYS", default=2, minimum=1)
HALL_COMPLAINT_CLOSE_DAYS = env_int("HALL_COMPLAINT_CLOSE_DAYS", default=2, minimum=1)
# R-ACC-8: a complaint by the same phone, or on the same case, within this many days
# of an earlier one is linked to it as a repeat.
HALL_COMPLAINT_REPEAT_DAYS = env_int("HALL_COMPLAINT_REPEAT_DAYS", default=90, minimum=1)

# --- Ratings and bad-review rectification (N-2) ------------------------------
# A bad review is called back within this many working days…
HALL_RECTIFY_CALLBACK_DAYS = env_int("HALL_RECTIFY_CALLBACK_DAYS", default=1, minimum=1)
# …and rectified within this many (a complex one within the second figure)…
HALL_RECTIFY_DAYS = env_int("HALL_RECTIFY_DAYS", default=5, minimum=1)
HALL_RECTIFY_COMPLEX_DAYS = env_int("HALL_RECTIFY_COMPLEX_DAYS", default=15, minimum=1)
# …with one extension at most, of this many working days.
HALL_RECTIFY_EXTENSION_DAYS = env_int("HALL_RECTIFY_EXTENSION_DAYS", default=5, minimum=1)
# The tablet offers a case or consultation for rating this many minutes after the
# window finished it.
HALL_RATING_TABLET_MINUTES = env_int("HALL_RATING_TABLET_MINUTES", default=30, minimum=1)

# --- Daily patrols (R-PATROL-1..3) -------------------------------------------
# The window head may dispute a patrol finding within this many working days.
HALL_PATROL_DISPUTE_DAYS = env_int("HALL_PATROL_DISPUTE_DAYS", default=2, minimum=1)
# A finding's photo: JPEG or PNG up to this size; stored re-encoded without metadata,
# its longer side at most HALL_PATROL_PHOTO_MAX_SIDE pixels.
HALL_PATROL_PHOTO_MAX_BYTES = env_int(
    "HALL_PATROL_PHOTO_MAX_BYTES", default=8 * 1024 * 1024, minimum=1024
)
HALL_PATROL_PHOTO_MAX_SIDE = env_int("HALL_PATROL_PHOTO_MAX_SIDE", default=2000, minimum=200)
# Each working day at this local time (HH:MM) the coverage check tells the director
# which half-day or windows the patrols missed (R-PATROL-1).
HALL_PATROL_COVERAGE_CHECK_AT = env.str("HALL_PATROL_COVERAGE_CHECK_AT", default="17:45")
try:
    _hour, _minute = (int(part) for part in HALL_PATROL_COVERAGE_CHECK_AT.split(":"))
    if not (0 <= _hour < 24 and 0 <= _minute < 60):
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        f"HALL_PATROL_COVERAGE_CHECK_AT={HALL_PATROL_COVERAGE_CHECK_AT!r} is not a time (HH:MM)."
    ) from None
HALL_PATROL_COVERAGE_CHECK_TIME = (_hour, _minute)

# --- Accountability (R-ACC-1..9) ----------------------------------------------
# A new case should have its notices to state and defend sent within this many
# working days (the inspector's queue counts from the day it was opened).
HALL_ACC_TAKE_UP_DAYS = env_int("HALL_ACC_TAKE_UP_DAYS", default=5, minimum=1)
# The director's countersignature and an appeal's review are due this many working
# days after the decision or the appeal (the queue's deadline).
HALL_ACC_REVIEW_DAYS = env_int("HALL_ACC_REVIEW_DAYS", default=5, minimum=1)
# A person to be charged may state and defend (陈述申辩) until the end of this many
# working days after the notice; no decision before that or their statement.
HALL_ACC_HEARING_DAYS = env_int("HALL_ACC_HEARING_DAYS", default=3, minimum=1)
# A person charged may appeal (申诉) until the end of this many working days after
# the decision comes into force.
HALL_ACC_APPEAL_DAYS = env_int("HALL_ACC_APPEAL_DAYS", default=5, minimum=1)
# A decision whose points add up to more than this, or that proposes a removal from
# the post (aggravated, R-ACC-6), takes effect only when the director countersigns.
HALL_ACC_COUNTERSIGN_POINTS = env_int("HALL_ACC_COUNTERSIGN_POINTS", default=10, minimum=0)
# A written self-examination is due this many working days after the decision; a
# rectification order's deadline defaults to HALL_ACC_RECTIFICATION_DAYS.
HALL_ACC_SELF_EXAMINATION_DAYS = env_int("HALL_ACC_SELF_EXAMINATION_DAYS", default=5, minimum=1)
HALL_ACC_RECTIFICATION_DAYS = env_int("HALL_ACC_RECTIFICATION_DAYS", default=10, minimum=1)

# Assessment (R-SCORE-1..6). A month's score starts from HALL_SCORE_BASE; the weight
# table (admin) sets what each fact takes off or adds; commendations add at most
# HALL_SCORE_COMMENDATION_CAP a month.
HALL_SCORE_BASE = env_int("HALL_SCORE_BASE", default=100, minimum=1)
HALL_SCORE_COMMENDATION_CAP = env_int("HALL_SCORE_COMMENDATION_CAP", default=10, minimum=0)
# The publicity period (公示) in working days after publication.
HALL_SCORE_PUBLICITY_DAYS = env_int("HALL_SCORE_PUBLICITY_DAYS", default=5, minimum=1)
# How many windows are the month's best.
HALL_SCORE_BEST_WINDOWS = env_int("HALL_SCORE_BEST_WINDOWS", default=3, minimum=0)
# The hall's own quota of 优秀 (S2 §23, S3 六): a share of the staff scored, rounded down,
# and the floor an excellent score must reach; the floors of 称职 and 基本称职.
HALL_SCORE_EXCELLENT_QUOTA = env_decimal(
    "HALL_SCORE_EXCELLENT_QUOTA", default="0.15", low="0", high="1"
)
HALL_SCORE_EXCELLENT_MIN = env_int("HALL_SCORE_EXCELLENT_MIN", default=90, minimum=0)
HALL_SCORE_COMPETENT_MIN = env_int("HALL_SCORE_COMPETENT_MIN", default=70, minimum=0)
HALL_SCORE_BASIC_MIN = env_int("HALL_SCORE_BASIC_MIN", default=60, minimum=0)
# The 德能勤绩廉 rating's share of a staff member's annual score, and the weights of its
# parts: self, leader, peers, applicants (R-SCORE-4; S4 六.4).
HALL_SCORE_MERIT_SHARE = env_decimal("HALL_SCORE_MERIT_SHARE", default="0.4", low="0", high="1")
HALL_SCORE_MERIT_WEIGHTS = tuple(
    env.list("HALL_SCORE_MERIT_WEIGHTS", cast=int, default=[10, 40, 20, 30])
)
if len(HALL_SCORE_MERIT_WEIGHTS) != 4 or min(HALL_SCORE_MERIT_WEIGHTS) < 0:
    raise ImproperlyConfigured(
        "HALL_SCORE_MERIT_WEIGHTS is four weights: self, leader, peers, applicants."
    )
# R-SCORE-5: the window's result counts 40 % in its department's annual target score.
HALL_SCORE_DEPARTMENT_SHARE = env_decimal(
    "HALL_SCORE_DEPARTMENT_SHARE", default="0.40", low="0", high="1"
)
# R-SCORE-6: how many windows are proposed as red-flag and advanced windows, how many
# excellent staff as advanced individuals.
HALL_SCORE_RED_FLAG_WINDOWS = env_int("HALL_SCORE_RED_FLAG_WINDOWS", default=1, minimum=0)
HALL_SCORE_ADVANCED_WINDOWS = env_int("HALL_SCORE_ADVANCED_WINDOWS", default=3, minimum=0)
HALL_SCORE_ADVANCED_PEOPLE = env_int("HALL_SCORE_ADVANCED_PEOPLE", default=5, minimum=0)
# The public notice of results: "all" shows staff names and scores beside the
# windows', "none" shows the windows only (S2 §11 leaves it to the hall).
HALL_SCORE_PUBLIC_STAFF = env.str("HALL_SCORE_PUBLIC_STAFF", default="all")
if HALL_SCORE_PUBLIC_STAFF not in ("all", "none"):
    raise ImproperlyConfigured("HALL_SCORE_PUBLIC_STAFF must be all or none.")
# Evidence of a commendation: at most this many bytes, PDF or image.
HALL_COMMENDATION_EVIDENCE_MAX_BYTES = env_int(
    "HALL_COMMENDATION_EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024, minimum=1024
)
