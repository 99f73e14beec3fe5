"""Vietnamese text: diacritic folding for search, collation for sorting, amounts in words on money documents.

Language-independent (a Vietnamese document reads amounts in Vietnamese whatever the interface language), so it
lives apart from the gettext machinery of portal.i18n, which re-exports these names."""
from __future__ import annotations

import unicodedata

# --- text: search folding and Vietnamese collation ---

_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
    return " ".join(stripped.lower().split())


def _fold_table() -> dict[int, str]:
    """Precomposed Latin letters whose letter without marks is ASCII ("ế" -> "e", "Đ" -> "D")."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = unicodedata.normalize(
            "NFC", "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)))
        if base != ch and base.isascii():
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str | None) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics: "Bản Bo" -> "ban bo", "Nguyễn" -> "nguyen"."""
    if not text:
        return ""
    # Fast path (searches fold every name of a list): one table lookup per letter; text that is not plain ASCII
    # afterwards (combining marks, other scripts) takes the Unicode normalisation path, with the same result.
    mapped = text.translate(_FOLD)
    if mapped.isascii():
        return " ".join(mapped.lower().split())
    return _fold_slow(text)


def vi_sort_key(text: str | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort key in Vietnamese alphabetical order: a < ă < â < b ... d < đ; tones break ties.

    A run of digits sorts as a number ("Thôn 2" before "Thôn 10").
    """
    letters: list[int] = []
    tones: list[int] = []
    digits = ""

    def flush_number() -> None:
        nonlocal digits
        if digits:
            significant = digits.lstrip("0") or "0"
            # marker, then length, then the digits: shorter numbers first, equal lengths digit by digit
            letters.extend((500, len(significant), *(int(d) for d in significant)))
            tones.extend([0] * (2 + len(significant)))
            digits = ""

    for ch in unicodedata.normalize("NFC", (text or "").lower()):
        if ch.isdigit() and ch.isascii():
            digits += ch
            continue
        flush_number()
        parts = unicodedata.normalize("NFD", ch)
        tone = 0
        kept = ""
        for p in parts:
            if p in _TONES:
                tone = _TONES[p]
            else:
                kept += p
        letter = unicodedata.normalize("NFC", kept)
        if letter in _RANK:
            letters.append(1000 + _RANK[letter])
        elif letter.isspace():
            letters.append(0)
        else:
            letters.append(2000 + ord(letter[0]) if letter else 0)
        tones.append(tone)
    flush_number()
    return tuple(letters), tuple(tones)


_KEY_MAX = 0xC000  # exotic code points above this sort together (keeps the key clear of surrogates)


def vi_sort_text(text: str | None) -> str:
    """``vi_sort_key`` as a string that sorts the same under binary comparison (a database column, indexed).

    Each number of the key becomes one character (offset past the control characters); the letters and the
    tones are separated by U+001F, lower than any of them, so a shorter name still sorts first. The column
    compares bytewise (SQLite's default, "C" collation on PostgreSQL) and UTF-8 keeps code point order.
    """
    letters, tones = vi_sort_key(text)
    enc = "".join(chr(0x20 + min(v, _KEY_MAX)) for v in letters)
    return enc + "\x1f" + "".join(chr(0x20 + t) for t in tones)


# --- amounts in words ---

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _read_group(n: int, full: bool) -> list[str]:
    """Read 0-999. ``full`` (every group after the first) says "không trăm" and "linh" as accountants write."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if words else []) + [_DIGITS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, _DIGITS[units]))
    return words


def _read_below_billion(n: int, full: bool) -> list[str]:
    words: list[str] = []
    for scale, name in ((1_000_000, "triệu"), (1_000, "nghìn"), (1, "")):
        group = n // scale % 1000
        if group == 0:
            continue
        words += _read_group(group, full or bool(words))
        if name:
            words.append(name)
    return words


def _read(n: int, full: bool = False) -> list[str]:
    billions, rest = divmod(n, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += _read(billions, full) + ["tỷ"]
    if rest:
        words += _read_below_billion(rest, full or bool(words))
    return words


def amount_in_words(amount: int) -> str:
    """Integer đồng in Vietnamese words as accountants write them ("Bằng chữ"), e.g. 1.005 ->
    "Một nghìn không trăm linh năm đồng": each group after the first is read in full.

    Vietnamese documents state the amount in Vietnamese whatever the interface language, so this is not translated.
    """
    amount = int(amount)
    words = ["âm"] if amount < 0 else []
    words += _read(abs(amount)) or ["không"]
    text = " ".join(words + ["đồng"])
    return text[0].upper() + text[1:]
