"""Error pages: full pages for browsers, a message swapped into #flashes for htmx."""
from __future__ import annotations

from flask import Flask, Response, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.confirm import back_url
from portal.i18n import gettext as _

MESSAGES = {
    400: lambda: _("The request could not be understood. Please check what you entered and try again."),
    401: lambda: _("Please log in."),
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("The page or record was not found."),
    405: lambda: _("This action is not allowed here."),
    409: lambda: _("The record was changed by someone else. Reload the page and try again."),
    413: lambda: _("The upload is too large."),
    429: lambda: _("Too many attempts. Please wait and try again later."),
    500: lambda: _("Something went wrong on the server. The error has been logged."),
}


#: The page title in words (a user does not know what "409" means).
TITLES = {
    400: lambda: _("The request could not be understood"),
    401: lambda: _("Please log in"),
    403: lambda: _("Not allowed"),
    404: lambda: _("Not found"),
    405: lambda: _("Not allowed here"),
    409: lambda: _("This could not be done"),
    413: lambda: _("Upload too large"),
    422: lambda: _("Please check what you entered"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong"),
}


def error_response(status: int, message: str | None = None) -> Response:
    text = message or MESSAGES.get(status, MESSAGES[500])()
    if getattr(request, "htmx", None):
        body = render_template("errors/_error.html", status=status, message=text)
        resp = make_response(body, status)
        resp.headers["HX-Retarget"] = "#flashes"
        resp.headers["HX-Reswap"] = "innerHTML"
        return resp
    title = TITLES.get(status, TITLES[500 if status >= 500 else 400])()
    back = back_url(default="")  # the page it came from, when it is one of ours and not this one
    if back == request.full_path.rstrip("?") and request.method == "GET":
        back = ""
    return make_response(render_template("errors/error.html", status=status, message=text, title=title,
                                         back=back), status)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Response:
        return error_response(400, _("Your session has expired or the form is invalid (security token). Reload the page and try again."))

    from portal.integrity import Refused

    @app.errorhandler(Refused)
    def refused(exc: Refused) -> Response:
        from portal.extensions import db

        db.session.rollback()  # nothing of a refused action is stored
        return error_response(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        custom = exc.description if getattr(exc, "portal_message", False) else None
        return error_response(status, custom)

    @app.errorhandler(Exception)
    def server_error(exc: Exception) -> Response:
        app.logger.exception("unhandled error")
        from portal.extensions import db

        db.session.rollback()
        return error_response(500)


def user_error(status: int, message: str) -> HTTPException:
    """Deprecated: raise ``Refused(status, message)`` (portal.integrity) instead; kept until the next release."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions.get(status, HTTPException)(description=message)
    exc.portal_message = True  # type: ignore[attr-defined]
    return exc
