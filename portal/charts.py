"""Server-rendered SVG bar charts (no JavaScript, prints well)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
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
    top = max([v for s in series for v in s.values] + [0]) or 1
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
            v = s.values[i] if i < len(s.values) else 0
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
