"""One view, one template: a full page for browsers, a named block for htmx requests."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, get_flashed_messages, make_response, render_template, request
from htmx_flask import make_response as hx_make_response


def is_fragment_request() -> bool:
    """True for htmx requests that are neither boosted navigation nor a history restore."""
    hx = getattr(request, "htmx", None)
    if not hx:
        return False
    return not (hx.boosted or hx.history_restore_request)


def render_fragment(template_name: str, block: str, **context: Any) -> str:
    """Render one named block of a template (macros must be imported inside the block)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.update_template_context(context)
    template = app.jinja_env.get_or_select_template(template_name)
    ctx = template.new_context(context)
    # Add the blocks of the templates it extends, as Jinja does at `extends`: a block inherited unchanged can be
    # rendered alone, and a block that calls super() finds its parent.
    for parent in _ancestors(app.jinja_env, template):
        for name, func in parent.blocks.items():
            ctx.blocks.setdefault(name, []).append(func)
    if block not in ctx.blocks:
        raise KeyError(f"template {template_name!r} has no block {block!r}")
    return "".join(ctx.blocks[block][0](ctx))


def _ancestors(env: Any, template: Any) -> list[Any]:
    """The templates ``template`` extends, nearest first (only constant ``{% extends "name" %}``)."""
    from jinja2 import nodes

    cached = getattr(template, "_portal_ancestors", None)  # parsed once per loaded template
    if cached is not None:
        return cached
    out = []
    current = template
    for _ in range(10):
        source = env.loader.get_source(env, current.name)[0]
        extends = next(env.parse(source).find_all(nodes.Extends), None)
        if extends is None or not isinstance(extends.template, nodes.Const):
            break
        current = env.get_template(extends.template.value)
        out.append(current)
    template._portal_ancestors = out
    return out


def render(template_name: str, fragment: str | None = None, status: int = 200, **context: Any) -> Response:
    """Return the whole page, or only ``fragment`` (plus out-of-band flashes) to an htmx request."""
    if not isinstance(status, int):
        raise TypeError("render(status=...) is the HTTP status code; pass template values under another name")
    context.setdefault("status", status)
    if fragment and is_fragment_request():
        body = render_fragment(template_name, fragment, **context)
        if "_flashes" not in context:
            flashes = get_flashed_messages(with_categories=True)
            if flashes:
                body += render_template("_flashes.html", flashes=flashes, oob=True)
        resp = make_response(body, status)
    else:
        resp = make_response(render_template(template_name, **context), status)
    resp.vary.add("HX-Request")
    return resp


def hx_redirect(url: str) -> Response:
    """Tell htmx to load ``url`` as a full page."""
    return hx_make_response("", redirect=url)


def hx_trigger(response: Response | str, event: str | dict[str, Any]) -> Response:
    """Add an ``HX-Trigger`` event to a response (e.g. "awards:voted")."""
    resp = response if isinstance(response, Response) else make_response(response)
    resp.headers["HX-Trigger"] = event if isinstance(event, str) else json.dumps(event)
    return resp


def hx_retarget(response: Response, target: str, swap: str = "innerHTML") -> Response:
    """Send the response into another element than the one that asked."""
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response


def redirect_or_hx(url: str) -> Response:
    """Post/redirect/get for browsers; an HX-Redirect for htmx requests."""
    from flask import redirect

    if getattr(request, "htmx", None):
        return hx_redirect(url)
    return redirect(url)
