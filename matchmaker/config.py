"""Configuration classes, read when the app is built (never at import).

Settings come from the environment so an operator changes behaviour without editing code:
``DATABASE_URL``, ``SECRET_KEY``, ``PUBLIC_URL`` (both required in production), ``MATCHMAKER_ENV``
(development | production | testing), ``LOG_JSON``, ``PROXY_FIX_X_FOR``.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path


def _instance_secret(instance_path: str) -> str:
    """A per-install secret kept under instance/ so development sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Defaults shared by every environment."""

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    # hide_parameters: SQL logging and database errors (logged with a 500's traceback) show the
    # statement but not its values (phone numbers, session tokens, password hashes).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # One JSON object per line on stderr for the app's loggers (``matchmaker.*``, security events in
    # ``matchmaker.security``), unless the operator configured logging (handlers on the root logger).
    # Env LOG_JSON=0 installs nothing: configure ``logging`` yourself (else only warnings reach stderr).
    LOG_JSON = True
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB: every form of the app fits; larger bodies get 413
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    SESSION_IDLE_MINUTES = 60  # logged out after this long without a request
    SESSION_MAX_HOURS = 12  # and this long after logging in, whatever happens
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PER_PAGE = 20
    # Dashboard figures (services/figures.py): a reader recomputes at most this many changed needs itself
    # (and re-derives the figures only for pools of up to 10x as many); beyond, a background thread does.
    FIGURES_INLINE_NEEDS = 200
    FIGURES_BACKGROUND = True
    POSTING_MAX_AGE_DAYS = 365  # untouched this long: archived by `flask pool expire`
    EXPIRY_NOTICE_DAYS = 14  # owners are warned this long before
    EXPIRY_GRACE_DAYS = 7  # and archived no sooner than this after the warning
    RETENTION_MONTHS = 24  # rejected or archived this long: deleted by `flask pool purge` (unless a deal)
    ACCOUNT_RETENTION_MONTHS = 36  # no login this long: the account is anonymised by `flask pool purge`
    # Each expression of interest notifies (and mails) the other organization's whole desk: a person
    # sends at most this many a day, and a pair whose interest was withdrawn or declined rests this long.
    INTEREST_DAILY_LIMIT = 20
    INTEREST_PAIR_COOLDOWN_DAYS = 7
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # How many reverse proxies in front of the app append to X-Forwarded-For (and X-Forwarded-Proto).
    # 0: none is trusted, the peer's address is the client's (a client-sent X-Forwarded-For is ignored).
    # Set it to the real number of hops, or clients can choose their address (rate limits, logs).
    PROXY_FIX_X_FOR = 0
    AUTH_RATE_LIMIT = "10 per minute"  # login, registration and password-reset attempts per client address
    AUTH_ACCOUNT_LIMIT = "20 per hour"  # password guesses at one account (page and API together), any address
    RESET_MAIL_LIMIT = "3 per hour"  # reset requests per e-mail address (an inbox cannot be flooded)
    REGISTER_MAIL_LIMIT = "3 per hour"  # registrations per e-mail address (confirmation or "already registered" mails)
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a password-reset link works (it also dies once used)
    # The JSON API's rate limits: per token, or per address when anonymous (the password endpoint).
    API_RATELIMIT_READ = "120/minute"
    API_RATELIMIT_WRITE = "30/minute"
    API_RATELIMIT_TOKEN = "10/minute"
    API_TOKEN_LIFETIME_DAYS = 30  # a new token's lifetime when its owner does not choose one
    # The site's address for links in e-mails, e.g. "https://pool.example.com". Required in production;
    # unset (development, tests), links use the request's host, which a client chooses.
    PUBLIC_URL: str | None = None
    # argon2id parameters (OWASP: m=19 MiB t=2 p=1 minimum; these are argon2-cffi's RFC 9106 low-memory profile).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4


class DevelopmentConfig(Config):
    """``make run``: SQLite (WAL) under instance/."""


class ProductionConfig(Config):
    """gunicorn behind TLS: secure cookies, secrets from the environment only."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"


class TestingConfig(Config):
    """The test suite: a throw-away database, cheap password hashing, no CSRF unless a test asks."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    ARGON2_TIME_COST = 1
    RATELIMIT_ENABLED = False  # the tests that prove the limits switch it on
    FIGURES_BACKGROUND = False  # figures caught up by the reader, whatever the size: no thread outlives a test
    ARGON2_MEMORY_COST = 8192
    ARGON2_PARALLELISM = 1


def _count(value: str, name: str) -> int:
    """A whole number >= 0 from the environment; anything else stops the start-up with the reason."""
    try:
        number = int(value.strip())
    except ValueError:
        number = -1
    if number < 0:
        raise RuntimeError(f"{name} must be a whole number >= 0, not {value!r}")
    return number


_PUBLIC_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?")

CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "testing": TestingConfig}


def load_config(app, name: str | None, overrides: dict | None) -> None:
    """Fill ``app.config`` from the class for ``name``, the environment, then ``overrides``."""
    name = name or os.environ.get("MATCHMAKER_ENV", "development")
    app.config.from_object(CONFIGS[name])
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        database_url = "sqlite:///" + str(Path(app.instance_path) / "matchmaker.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if name == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        secret = _instance_secret(app.instance_path)
    app.config["SECRET_KEY"] = secret
    if os.environ.get("LOG_JSON"):
        app.config["LOG_JSON"] = os.environ["LOG_JSON"].strip().lower() not in ("0", "false", "no", "off")
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    if os.environ.get("PROXY_FIX_X_FOR"):
        app.config["PROXY_FIX_X_FOR"] = _count(os.environ["PROXY_FIX_X_FOR"], "PROXY_FIX_X_FOR")
    if os.environ.get("PUBLIC_URL"):
        app.config["PUBLIC_URL"] = os.environ["PUBLIC_URL"]
    for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_SENDER"):
        if key in os.environ:
            app.config[key] = os.environ[key]
    if overrides:
        app.config.update(overrides)
    public = app.config.get("PUBLIC_URL")
    if name == "production" and not public:
        # Mailed links (password reset, e-mail confirmation) would take their host from the request,
        # which a client chooses (Host: evil.example): refuse to start, as for SECRET_KEY.
        raise RuntimeError("PUBLIC_URL must be set in production (e.g. https://pool.example.com)")
    if public and not _PUBLIC_URL.fullmatch(public):
        raise RuntimeError(f"PUBLIC_URL must be the site's address, http(s)://host[:port] with no path: {public!r}")
