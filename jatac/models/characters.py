"""Which characters a record's text may hold: the rule the models check and the output escapes.

Characters that act on a terminal or on how a line reads rather than being read have no
place in a case file; naming them plainly makes the refusal readable.
"""

from __future__ import annotations

import re

# Characters that act on a terminal or on how a line reads rather than being read: C0 and
# C1 controls and DEL, the line and paragraph separators, and the bidirectional controls
# (the "Trojan Source" set: embeddings, overrides, isolates and the invisible marks).
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI}]")
# the same, but a line break and a tab are how multi-line text is written
UNSAFE_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{BIDI}]")
# JSON escapes C0 controls inside its strings itself, and its line breaks are its layout
UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f\u2028\u2029{BIDI}]")


def name_of(char: str) -> str:
    """How a refused character is named in a message: U+001B (escape)."""
    names = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab", "\x1b": "escape"}
    code = f"U+{ord(char):04X}"
    if char in names:
        return f"{code} ({names[char]})"
    if char in "\u2028\u2029":
        return f"{code} (a line separator)"
    if re.match(f"[{BIDI}]", char):
        return f"{code} (a text direction control)"
    return f"{code} (a control character)"
