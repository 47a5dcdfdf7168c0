"""A small phonetic key for French names, used only to *block* (group candidates), never to
score. Pure function.

``phonetic("Souverbie") == phonetic("Souverby")`` and ``phonetic("Phillippe") ==
phonetic("Filipe")``: the key keeps the first sound and a consonant skeleton, after rewriting
common French spellings of the same sound (ph/f, qu/k, c/k/s, eau/au/o, ai/ei/e, y/i) and
dropping silent final letters. Different names may share a key; that only widens a block.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crm.dedupe.engine.fields import fold

_REWRITES = [
    (r"[^a-z]", ""), (r"sch", "ch"), (r"ph", "f"), (r"qu", "k"), (r"gu(?=[eiy])", "g"),
    (r"c(?=[eiy])", "s"), (r"ck", "k"), (r"c", "k"), (r"g(?=[eiy])", "j"), (r"eau|au", "o"),
    (r"ai|ei", "e"), (r"y", "i"), (r"w", "v"), (r"z", "s"), (r"(?<!c)h", ""),
    (r"(?<=[aeiou])s(?=[aeiou])", "z"), (r"([a-z])\1+", r"\1"), (r"(?<=.)[eé]$", ""),
    (r"(?<=..)[stdx]$", ""), (r"(?<=.)[eé]$", ""),
]
_LITERAL = re.compile(r"[a-z]+")
# plain strings are rewritten with str.replace (same result, several times faster than re.sub)
_STEPS = [(pattern if _LITERAL.fullmatch(pattern) else re.compile(pattern), replacement)
          for pattern, replacement in _REWRITES]
KEY_LENGTH = 6


@lru_cache(maxsize=200_000)
def phonetic(name: str) -> str:
    """First letter, then the consonant skeleton of the rewritten name, at most 6 letters."""
    text = fold(name).replace(" ", "")
    for pattern, replacement in _STEPS:
        text = (text.replace(pattern, replacement) if isinstance(pattern, str)
                else pattern.sub(replacement, text))
    if not text:
        return ""
    skeleton = re.sub(r"[aeiou]", "", text[1:])
    return (text[0] + skeleton)[:KEY_LENGTH]
