"""Ask before an irreversible action, in the page and without JavaScript.

The POST view of the action calls ``confirm(question, details)`` once its form is valid and before it changes
anything. Unless the form carries ``confirmed=1``, the answer is a confirmation that says what will happen and
re-posts the same fields with ``confirmed=1``: a page of its own for a plain form, an overlay appended to the page
for htmx. The buttons that start the action need no change, and every request of the flow is an ordinary POST
with its CSRF token (and its ``_once`` key, so the confirmed post still takes effect once).
"""
from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from flask import Response, request

from portal.rendering import is_fragment_request, render

CONFIRM_FIELD = "confirmed"
#: Set on a confirmation answer: ``idempotent`` must not record it as the action's result.
CONFIRM_HEADER = "X-Portal-Confirm"


def _same_origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def back_url(default: str = "/") -> str:
    """Where "cancel" / "back" leads: the page the request came from, when it is on this site."""
    return _same_origin(request.headers.get("HX-Current-URL")) or _same_origin(request.referrer) or default


def confirmed() -> bool:
    return request.form.get(CONFIRM_FIELD) == "1"


def confirm(question: str, details: Sequence[str] = (), *, button: str | None = None,
            danger: bool = True) -> Response | None:
    """None when the user has confirmed; otherwise the confirmation to answer with (status 200)."""
    if confirmed():
        return None
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", CONFIRM_FIELD)]
    fragment = is_fragment_request()
    resp = render(
        "confirm.html", fragment="confirm", question=question, details=[str(d) for d in details if d],
        fields=fields, action=request.full_path.rstrip("?"), button=button, danger=danger, back=back_url(),
        overlay=fragment,
    )
    resp.headers[CONFIRM_HEADER] = "1"
    if fragment:
        resp.headers["HX-Retarget"] = "body"
        resp.headers["HX-Reswap"] = "beforeend"
    return resp
