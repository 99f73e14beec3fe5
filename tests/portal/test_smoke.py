from tests.helpers import HX


def test_units_page_lists_and_searches_without_diacritics(client, login_as, make_unit):
    make_unit("Xã Bản Bo", code="xa-ban-bo")
    make_unit("Xã Bình Lư", code="xa-binh-lu")
    login_as("admin1", ["admin"])
    page = client.get("/units/?q=ban+bo")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Xã Bản Bo" in body and "Xã Bình Lư" not in body and "<html" in body
    frag = client.get("/units/?q=BAN BO", headers=HX)
    text = frag.get_data(as_text=True)
    assert "<html" not in text and text.lstrip().startswith('<section id="unit-list"')
    assert "HX-Request" in frag.headers["Vary"]
