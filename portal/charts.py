"""Server-rendered SVG bar and line charts (no JavaScript, prints well)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: no value (a gap in a line; no bar)
    css_class: str = "s1"


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    title: str = "",
    value_format=str,  # type: ignore[no-untyped-def]
    width: int = 640,
    height: int = 260,
) -> Markup:
    """Return an accessible grouped bar chart as inline SVG."""
    pad_l, pad_r, pad_t, pad_b = 10, 10, 24, 40
    plot_w = width - pad_l - pad_r
    plot_h = height - pad_t - pad_b
    top = max([v for s in series for v in s.values if v is not None] + [0]) or 1
    n = max(len(categories), 1)
    group_w = plot_w / n
    bar_w = max(2.0, group_w * 0.8 / max(len(series), 1))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - pad_r}" y2="{pad_t + plot_h}" class="axis"/>',
    ]
    for i, cat in enumerate(categories):
        x0 = pad_l + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            v = (s.values[i] if i < len(s.values) else 0) or 0
            h = plot_h * (v / top) if v > 0 else 0
            x = x0 + j * bar_w
            y = pad_t + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" height="{h:.1f}" class="{escape(s.css_class)}">'
                f"<title>{escape(cat)} – {escape(s.label)}: {escape(value_format(v))}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - pad_b + 16}" text-anchor="middle" class="lbl">{escape(cat)}</text>'
        )
    for j, s in enumerate(series):
        parts.append(
            f'<rect x="{pad_l + j * 150}" y="4" width="10" height="10" class="{escape(s.css_class)}"/>'
            f'<text x="{pad_l + j * 150 + 14}" y="13" class="lbl">{escape(s.label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _ticks(top: float, count: int = 4) -> list[float]:
    """Round steps (1, 2, 5 × 10ⁿ) from 0 to at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    title: str = "",
    value_format=str,  # type: ignore[no-untyped-def]
    width: int = 640,
    height: int = 260,
) -> Markup:
    """Return an accessible line chart as inline SVG: one line per series, gaps where a value is None.

    The SVG scales to its container (viewBox), so it fits a 360 px phone and an A4 page alike; every point has a
    <title> with its exact value for screen readers and hover, and the y axis has round gridlines."""
    pad_l, pad_r, pad_t, pad_b = 44, 12, 28 + 16 * ((len(series) - 1) // 3), 34
    plot_w = width - pad_l - pad_r
    plot_h = height - pad_t - pad_b
    known = [float(v) for s in series for v in s.values if v is not None]
    ticks = _ticks(max(known + [0.0]))
    top = ticks[-1] or 1
    n = max(len(categories), 1)
    step = plot_w / max(n - 1, 1)

    def x_of(i: int) -> float:
        return pad_l + (i * step if n > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return pad_t + plot_h - plot_h * (v / top)

    parts = [
        f'<svg class="chart line-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for t in ticks:
        y = y_of(t)
        parts.append(f'<line x1="{pad_l}" y1="{y:.1f}" x2="{width - pad_r}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{pad_l - 4}" y="{y + 4:.1f}" text-anchor="end" class="lbl">{escape(value_format(t))}</text>')
    parts.append(f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - pad_r}" y2="{pad_t + plot_h}" class="axis"/>')
    for i, cat in enumerate(categories):
        # the end labels lean inwards, so a year under the last point is not cut at the edge of a phone
        anchor = "start" if i == 0 and n > 1 else ("end" if i == n - 1 and n > 1 else "middle")
        parts.append(f'<text x="{x_of(i):.1f}" y="{height - pad_b + 18}" text-anchor="{anchor}" class="lbl">'
                     f'{escape(cat)}</text>')
    for j, s in enumerate(series):
        css = escape(s.css_class)
        runs: list[list[tuple[float, float]]] = [[]]
        for i in range(len(categories)):
            v = s.values[i] if i < len(s.values) else None
            if v is None:
                runs.append([])
                continue
            runs[-1].append((x_of(i), y_of(float(v))))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(f'<polyline points="{points}" class="line {css}"/>')
        for i in range(len(categories)):
            v = s.values[i] if i < len(s.values) else None
            if v is not None:
                parts.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(float(v)):.1f}" r="3.5" class="dot {css}">'
                             f"<title>{escape(categories[i])} – {escape(s.label)}: {escape(value_format(v))}</title>"
                             "</circle>")
        lx, ly = pad_l + (j % 3) * 190, 6 + 16 * (j // 3)
        parts.append(f'<rect x="{lx}" y="{ly}" width="10" height="10" class="{css}"/>'
                     f'<text x="{lx + 14}" y="{ly + 9}" class="lbl">{escape(s.label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
