"""Documented configuration defaults; instance/config.py and FLASK_* environment variables override them."""
from __future__ import annotations


class Defaults:
    # Generated once into instance/secret_key when not configured (never hard-coded).
    SECRET_KEY: str | None = None
    # None means: a SQLite file instance/portal.db, unless DATABASE_URL is set in the environment.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Plugins to enable, in template-priority order; each must be a "portal.plugins" entry point.
    PORTAL_PLUGINS: list[str] = ["reports", "inspections", "awards", "fund", "exemplars"]
    # Languages offered in the switcher; the first is the default.
    PORTAL_LANGUAGES: list[str] = ["vi", "en"]
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    # Place name used in document date lines ("Tam Đường, ngày 05 tháng 11 năm 2024").
    PORTAL_PLACE = "Tam Đường"
    # Default issuing bodies for the official (Nghị định 30/2020) document header.
    PORTAL_SUPERIOR_BODY = "UBND tỉnh Lai Châu"
    PORTAL_ISSUING_BODY = "UBND huyện Tam Đường"
    # Number of reverse proxies in front (nginx: 1) so client addresses, used by login throttling, are real.
    PORTAL_PROXY_COUNT = 0
    # werkzeug password hash method (tests use a cheap one; keep scrypt in production).
    PORTAL_PASSWORD_HASH = "scrypt"
    # Login throttling: this many failures per account and address within the window lock further tries.
    PORTAL_LOGIN_MAX_FAILURES = 5
    PORTAL_LOGIN_WINDOW_MINUTES = 15
    # ...and this many tries per client address (any account) in the window (a commune office shares one address).
    PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    # Login tries (successful ones too) are forgotten after this many minutes (at least the window).
    PORTAL_LOGIN_RETENTION_MINUTES = 60
    # Uploaded files live here (relative paths are taken inside the instance folder).
    PORTAL_UPLOAD_FOLDER = "uploads"
    # Largest single upload in bytes (plugins may set lower limits of their own).
    PORTAL_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    # Largest image accepted, in pixels (width × height), checked from the header before decoding: 50 MP covers
    # phone cameras; a 14000×14000 "bomb" would take gigabytes to decode.
    PORTAL_MAX_IMAGE_PIXELS = 50_000_000
    # Whole request size cap; Flask answers 413 above it.
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    # How users reach the portal (scheme, host, any path prefix), for links in e-mail and shared pages;
    # None: the host of the current request.
    PORTAL_BASE_URL: str | None = None
    # Optional SMTP for e-mail notifications; in-app notifications always work. SECURITY: "starttls" (port 587),
    # "tls" (implicit TLS, port 465) or "none" (a relay on localhost). Give the password in the environment
    # (FLASK_PORTAL_SMTP_PASSWORD), never in a committed file. CAFILE: a private CA's certificates, if any.
    PORTAL_SMTP_HOST: str | None = None
    PORTAL_SMTP_PORT = 587
    PORTAL_SMTP_SECURITY = "starttls"
    PORTAL_SMTP_USER: str | None = None
    PORTAL_SMTP_PASSWORD: str | None = None
    PORTAL_SMTP_CAFILE: str | None = None
    PORTAL_SMTP_TIMEOUT = 20  # seconds per SMTP step (a sender thread or the cron command waits, never a page)
    PORTAL_MAIL_FROM = "portal@localhost"
    # Outbox: a mail is sent right after the commit that queued it (background thread; False leaves it all to
    # `flask portal mail send`), retried after 5, 10, 20 … minutes, given up after MAX_ATTEMPTS tries; a sender's
    # claim on a row lapses after CLAIM_MINUTES (a sender that died mid-way).
    PORTAL_MAIL_SEND_AFTER_COMMIT = True
    PORTAL_MAIL_RETRY_MINUTES = 5
    PORTAL_MAIL_MAX_ATTEMPTS = 6
    PORTAL_MAIL_CLAIM_MINUTES = 10
    PORTAL_MAIL_KEEP_DAYS = 30  # sent and given-up rows are deleted by the cron command after this many days
    # Compress pages, fragments and static files (brotli or gzip) in the app; False when a reverse proxy does.
    PORTAL_GZIP = True
    # Rows per page in long lists.
    PORTAL_PAGE_SIZE = 50
    #: Move the long-lived app out of the garbage collector's walks (portal/memory.py); off only to compare.
    PORTAL_GC_FREEZE = True
    # HTTPS: the session cookie is Secure and HSTS is sent whenever the request came over HTTPS (behind a proxy
    # that needs PORTAL_PROXY_COUNT, so X-Forwarded-Proto is read). Force both when the site is only ever
    # reached over HTTPS but the proxy does not say so.
    PORTAL_FORCE_HTTPS = False
    PORTAL_HSTS_SECONDS = 365 * 24 * 3600
    # Content-Security-Policy sent with every response (see portal/headers.py); a site may tighten it.
    PORTAL_CSP: str = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )
    # A login lasts at most this many days, even in a browser never closed (then the user logs in again).
    PORTAL_SESSION_MAX_DAYS = 30
    SESSION_COOKIE_SECURE = False  # True forces it; otherwise it follows the request's scheme (portal/headers.py)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session: forms left open in a commune do not expire
    SQLALCHEMY_TRACK_MODIFICATIONS = False
