"""A small browser for the concurrency tests: cookies, the real login form, forms scraped from real pages.

Standard library only (urllib + http.cookiejar + html.parser). Redirects are not followed, so a test sees the
302 a form post answers with; ``follow`` follows one by hand. A form is read from the page the way a browser
would send it: every ``input`` (hidden ones included: csrf_token, idempotency keys, versions), the selected
``option`` of each ``select``, ``textarea`` text, checked boxes only. Elements carrying ``hx-post`` are read the
same way (htmx posts the inputs inside them), so autosave fragments can be replayed exactly.
"""
from __future__ import annotations

import html
import http.client
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

PASSWORD = "secret-pass-1"
TIMEOUT = 60
VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĂÂĐÊÔƠƯ")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    url: str

    @property
    def location(self) -> str | None:
        return self.headers.get("location") or self.headers.get("hx-redirect")

    @property
    def ok(self) -> bool:
        """A success as a browser sees it: 2xx or a redirect."""
        return 200 <= self.status < 400

    def alerts(self) -> list[str]:
        """Texts of error/alert elements (flash messages, field errors)."""
        return alert_texts(self.body)

    def __repr__(self) -> str:  # short, for assertion messages
        if 300 <= self.status < 400 or self.headers.get("hx-redirect"):
            return f"<{self.status} -> {self.location}>"
        alerts = self.alerts()
        return f"<{self.status} {alerts[:2] if alerts else self.body[:120]!r}>"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """One browser: its own cookie jar (session), no redirect following."""

    def __init__(self, base: str, name: str = "") -> None:
        self.base = base.rstrip("/")
        self.name = name
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf: str | None = None  # the session's token, read from the last page (htmx sends it as a header)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def request(self, method: str, path: str, data: Iterable[tuple[str, str]] | dict[str, str] | None = None,
                hx: bool = False, headers: dict[str, str] | None = None, timeout: float = TIMEOUT) -> Response:
        body = None
        hdrs = {"Accept-Language": "vi", "User-Agent": f"conc-test/{self.name}"}
        if data is not None:
            items = list(data.items()) if isinstance(data, dict) else list(data)
            body = urllib.parse.urlencode(items).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if hx:
            hdrs["HX-Request"] = "true"
            if self.csrf:
                hdrs["X-CSRFToken"] = self.csrf
        hdrs.update(headers or {})
        req = urllib.request.Request(self.url(path), data=body, method=method, headers=hdrs)
        try:
            resp = self.opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
            resp = exc
        with resp:
            raw = resp.read()
            out = Response(resp.status if hasattr(resp, "status") else resp.code,
                           {k.lower(): v for k, v in resp.headers.items()}, raw.decode("utf-8", "replace"), req.full_url)
        token = csrf_in(out.body)
        if token:
            self.csrf = token
        return out

    def get(self, path: str, hx: bool = False) -> Response:
        return self.request("GET", path, hx=hx)

    def post(self, path: str, data: Iterable[tuple[str, str]] | dict[str, str] | None = None, hx: bool = False,
             **kw: Any) -> Response:
        return self.request("POST", path, data or [], hx=hx, **kw)

    def follow(self, resp: Response) -> Response:
        assert resp.location, resp
        return self.get(resp.location)

    def form(self, path: str, match: str | Callable[[Form], bool] | None = None, page: Response | None = None) -> Form:
        """GET ``path`` (or use ``page``) and return the form (or hx-post element) whose action contains ``match``."""
        page = page or self.get(path)
        assert page.status == 200, f"{self.name}: GET {path} answered {page!r}"
        return find_form(page.body, match, where=path)

    def login(self, username: str, password: str = PASSWORD) -> Response:
        """Log in through the real login form (its CSRF token included); return the answer to the POST."""
        form = self.form("/login", lambda f: f.action.split("?")[0].endswith("/login") and f.has("password"))
        return self.post(form.action or "/login", form.values(username=username, password=password))

    def logged_in(self, username: str, password: str = PASSWORD) -> Client:
        resp = self.login(username, password)
        assert resp.status == 302, f"login of {username} failed: {resp!r}"
        return self


# --- forms ----------------------------------------------------------------------------------------------------------

@dataclass
class Form:
    """A form (or an element carrying hx-post) with what a browser would send from it, in document order."""

    action: str
    method: str
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every named control, sent or not (unchecked boxes too)
    submit: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    tag: str = "form"
    parent: Form | None = None  # the enclosing <form> of an hx-post element

    def htmx_fields(self) -> list[tuple[str, str]]:
        """What htmx posts for this element: for a non-GET request from an element inside a form, the whole
        enclosing form (htmx 2 includes the closest form); otherwise the element's own inputs."""
        return list(self.parent.fields if self.tag != "form" and self.parent is not None else self.fields)

    def hx_values(self, *pairs: tuple[str, str], **overrides: Any) -> list[tuple[str, str]]:
        """``values`` of what htmx would post (see ``htmx_fields``)."""
        base = Form(self.action, self.method, self.attrs, self.htmx_fields())
        return base.values(*pairs, **overrides)

    def has(self, name: str) -> bool:
        return name in self.names

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.fields if k == name), None)

    def values(self, *pairs: tuple[str, str], **overrides: Any) -> list[tuple[str, str]]:
        """The fields with ``overrides`` replacing (or adding) single values; a list value sends several; None drops."""
        out = [(k, v) for k, v in self.fields if k not in overrides]
        for k, v in overrides.items():
            if v is None:
                continue
            if isinstance(v, (list, tuple)):
                out.extend((k, str(x)) for x in v)
            else:
                out.append((k, str(v)))
        return out + list(pairs)


class _Parser(HTMLParser):
    """Collect forms and hx-post elements with the controls inside them (nested containers each get them)."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "area", "col", "embed", "wbr", "base", "param", "track"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.stack: list[tuple[str, Form | None]] = []  # (tag, container opened by it)
        self.select: tuple[str, list[tuple[str, bool]]] | None = None
        self.option: list[str] | None = None
        self.option_attrs: dict[str, str] = {}
        self.textarea: tuple[str, list[str]] | None = None

    def _open(self) -> list[Form]:
        return [f for _t, f in self.stack if f is not None]

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        container = None
        if tag == "form" or "hx-post" in attrs:
            action = attrs.get("hx-post") or attrs.get("action") or ""
            parent = next((f for t, f in reversed(self.stack) if f is not None and t == "form"), None)
            container = Form(html.unescape(action), (attrs.get("method") or "post").lower(), attrs, tag=tag,
                             parent=parent)
            self.forms.append(container)
        if tag not in self.VOID:
            self.stack.append((tag, container))
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if not name or "disabled" in attrs:
                return
            for f in self._open():
                f.names.append(name)
                if kind in ("checkbox", "radio"):
                    if "checked" in attrs:
                        f.fields.append((name, attrs.get("value", "on")))
                elif kind in ("submit", "image"):
                    f.submit.append((name, attrs.get("value", "")))
                elif kind not in ("file", "button", "reset"):
                    f.fields.append((name, attrs.get("value", "")))
        elif tag == "button" and name and attrs.get("type", "submit") == "submit":
            for f in self._open():
                f.submit.append((name, attrs.get("value", "")))
        elif tag == "select" and name and "disabled" not in attrs:
            self.select = (name, [])
            for f in self._open():
                f.names.append(name)
        elif tag == "option" and self.select is not None:
            self.option, self.option_attrs = [], attrs
        elif tag == "textarea" and name and "disabled" not in attrs:
            self.textarea = (name, [])
            for f in self._open():
                f.names.append(name)

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option.append(data)
        if self.textarea is not None:
            self.textarea[1].append(data)

    def _end_option(self) -> None:
        if self.option is not None and self.select is not None:
            value = self.option_attrs.get("value", "".join(self.option).strip())
            self.select[1].append((value, "selected" in self.option_attrs))
        self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._end_option()
        elif tag == "select" and self.select is not None:
            self._end_option()
            name, options = self.select
            chosen = [v for v, sel in options if sel] or [v for v, _s in options[:1]]
            for f in self._open():
                f.fields.extend((name, v) for v in chosen[:1])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            text = "".join(parts)
            if text.startswith("\n"):  # the HTML parser drops one leading newline of a textarea
                text = text[1:]
            for f in self._open():
                f.fields.append((name, text))
            self.textarea = None
        if tag in self.VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed tags: pop to the matching one
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def forms_in(body: str) -> list[Form]:
    parser = _Parser()
    parser.feed(body)
    parser.close()
    return parser.forms


def find_form(body: str, match: str | Callable[[Form], bool] | None, where: str = "") -> Form:
    forms = forms_in(body)
    if match is None:
        hits = forms
    elif callable(match):
        hits = [f for f in forms if match(f)]
    else:
        hits = [f for f in forms if match in f.action]
    assert hits, f"no form matching {match!r} on {where}; forms: {[f.action for f in forms]}"
    return hits[0]


def csrf_in(body: str) -> str | None:
    m = re.search(r'"X-CSRFToken":\s*"([^"]+)"', body) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', body)
    return html.unescape(m.group(1)) if m else None


_ALERT = re.compile(r'<(p|div|span|li)\b[^>]*(?:role="alert"|class="[^"]*\b(?:flash-error|error)\b[^"]*")[^>]*>(.*?)</\1>',
                    re.S)


def alert_texts(body: str) -> list[str]:
    return [t for t in (re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", m.group(2)))).strip()
                        for m in _ALERT.finditer(body)) if t]


def is_vietnamese(text: str) -> bool:
    return any(ch in VIETNAMESE for ch in text)


def text_of(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


# --- firing at the same instant -------------------------------------------------------------------------------------

@dataclass
class Shot:
    index: int
    response: Response | None
    error: BaseException | None
    started: float
    ended: float

    @property
    def status(self) -> int | None:
        return self.response.status if self.response else None

    @property
    def body(self) -> str:
        return self.response.body if self.response else ""

    def __repr__(self) -> str:
        return f"#{self.index}:{self.response!r}" if self.response else f"#{self.index}:{type(self.error).__name__}"


def fire(n: int, fn: Callable[[int], Response], timeout: float = TIMEOUT) -> list[Shot]:
    """Run ``fn(i)`` for i in 0..n-1 in n threads released together by a barrier; return the shots in order.

    ``fn`` must have done its preparation (login, GET of the form) before: pass prepared clients and forms in.
    A request that fails at the connection level (e.g. its worker was killed) is recorded with its error.
    """
    barrier = threading.Barrier(n)
    shots: list[Shot | None] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout)
        except threading.BrokenBarrierError:
            pass
        t0 = time.monotonic()
        try:
            shots[i] = Shot(i, fn(i), None, t0, time.monotonic())
        except (OSError, http.client.HTTPException, urllib.error.URLError) as exc:
            shots[i] = Shot(i, None, exc, t0, time.monotonic())

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 5)
    assert all(s is not None for s in shots), "a request thread did not finish"
    return [s for s in shots if s is not None]
