"""Pinyin keys for searching Chinese names from a Latin keyboard (`bdc` → 不动产登记)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of `text`, lower case, with non-Chinese kept as typed."""
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    initials = "".join(
        s[0] for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default") if s
    ).lower()
    return full.replace(" ", ""), initials.replace(" ", "")
