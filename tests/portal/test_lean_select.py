"""LeanSelect writes exactly the HTML of WTForms' Select, faster; unusual choices go to WTForms' own widget."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from portal.forms import LeanSelect

_LABELS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def _pair(choices, coerce, data, **attrs):
    class Lean(Form):
        f = SelectField("F", coerce=coerce, widget=LeanSelect())

    class Plain(Form):
        f = SelectField("F", coerce=coerce)

    out = []
    for cls in (Lean, Plain):
        form = cls(formdata=MultiDict({"f": data}) if data is not None else None)
        form.f.choices = choices
        out.append(str(form.f(**attrs)))
    return out


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 10**6), _LABELS), max_size=30), st.one_of(st.none(), st.integers(-5, 30)))
def test_int_choices_render_as_wtforms_does(choices, picked) -> None:
    if picked is not None and choices:
        picked = choices[picked % len(choices)][0]
    lean, plain = _pair(choices, int, str(picked) if picked is not None else None, **{"class": "x", "data_a": "<b>"})
    assert lean == plain


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_LABELS, _LABELS), max_size=12), st.one_of(st.none(), _LABELS))
def test_text_choices_render_as_wtforms_does(choices, picked) -> None:
    lean, plain = _pair(choices, str, picked, required=True)
    assert lean == plain


def test_other_choices_use_the_wtforms_widget() -> None:
    grouped = {"Xã": [(1, "Bản Bo"), (2, "Bình Lư")], "Phòng": [(3, "Nội vụ")]}
    rich = [SelectChoice(1, "A", render_kw={"disabled": True}), SelectChoice(2, "B")]
    triples = [(1, "A", {"data-x": "1"}), (2, "B", {})]
    for choices in (grouped, rich, triples, [(True, "Có"), (False, "Không")]):
        lean, plain = _pair(choices, lambda v: v, None)
        assert lean == plain and "<option" in lean
