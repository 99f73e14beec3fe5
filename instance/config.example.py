# Copy to instance/config.py and adjust. Every key is documented in portal/config.py.
# Environment variables override this file: FLASK_<KEY> (JSON values), e.g. FLASK_PORTAL_PLUGINS='["fund"]'.

# PostgreSQL instead of the default SQLite file (or set DATABASE_URL in the environment):
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://portal:CHANGE-ME@127.0.0.1:5432/portal"

# Plugins to enable, in template-priority order:
# PORTAL_PLUGINS = ["reports", "inspections", "awards", "fund", "exemplars"]

# Outgoing e-mail for notifications (in-app notifications work without it):
# PORTAL_SMTP_HOST = "smtp.example.org"
# PORTAL_MAIL_FROM = "cong-thong-tin@tamduong.example"

# SECRET_KEY is generated once into instance/secret_key; set it here only to share it between servers.

# Behind nginx with HTTPS: one proxy in front (client address and X-Forwarded-Proto are read from it), so the
# session cookie is Secure and HSTS is sent. Force both if the proxy does not pass X-Forwarded-Proto:
# PORTAL_PROXY_COUNT = 1
# PORTAL_FORCE_HTTPS = True
