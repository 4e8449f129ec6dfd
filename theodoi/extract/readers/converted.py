"""Clean-up of text written by PDF-to-Markdown converters and page scrapers.

    strip_emphasis        "**Tổ chức**" -> "Tổ chức"  (Markdown bold/italic markers left in)
    replace_math          "$100 \\%$" -> "100%", "$1 \\mathrm { k m }$" -> "1 km", "$\\geq$" -> "≥"
    join_split_syllables  "T ăng cường" -> "Tăng cường" (a word the converter cut in two)

The last rule follows Vietnamese syllable structure: a syllable is an optional initial
consonant, then a rhyme (optional medial o/u, a vowel nucleus, an optional final). A
converter that cuts a word leaves a bare initial consonant ("T", "Ng", "Đ"), which is never
a Vietnamese syllable by itself, before the rest of the syllable, which starts with a
vowel ("T ăng") or, after a capital, with the rest of a two- or three-letter initial
("T húc", "N gười"). The two are joined only when the result is a well-formed syllable
whose initial is spelled as Vietnamese spells it before that vowel (k/gh/ngh before e, ê,
i; c/g/ng not).
"""

from __future__ import annotations

import re
import unicodedata

# ---------------------------------------------------------------------------------------
# Emphasis

# Scraped pages close a marker after a space or on the next line ("**ỦY BAN\n**"), never
# past a blank line: a marker left open ("**1.****\n**Trên ...") would otherwise pair with
# one paragraphs away and swallow the markers between. An italic label may close after
# its colon and a space, touching the value ("*Đơn vị chủ trì: *Các Sở").
_SPAN = r"(?:(?!\n[ \t]*\n).)+?"
_BOLD = re.compile(r"(\*\*|__)(?=\S)(" + _SPAN + r")(\s?)\1", re.S)
_ITALIC = re.compile(
    r"(?<![\w*])([*_])(?=[^\s*_])(" + _SPAN + r")(?<=[^\s*_])(?:(\s)\1(?=\w)|(\s?)\1(?![\w*]))",
    re.S,
)
_LONE_MARKERS = re.compile(r"(?<!\S)\*{2,3}(?!\S)|^\*{2,3}|\*{2,3}$", re.M)


def strip_emphasis(text: str) -> str:
    """Text without Markdown **bold**, *italic* and __bold__ markers (lone leftovers too)."""
    previous = None
    while previous != text:  # nested markers: ***x*** is **x** inside *...*
        previous = text
        # The space before a closing marker stays: "**1. **100%" is "1. 100%".
        text = _BOLD.sub(r"\2\3", text)
        text = _ITALIC.sub(lambda m: m.group(2) + (m.group(3) or m.group(4) or ""), text)
    return _LONE_MARKERS.sub("", text)


# ---------------------------------------------------------------------------------------
# LaTeX math

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(?=\S)([^$\n]{1,300}?)(?<=\S)\$", re.S)
_GROUP_COMMANDS = re.compile(
    r"\\(?:mathrm|text|textrm|textnormal|mathbf|mathit|mathsf|mathtt|textbf|textit|"
    r"operatorname|mbox|boldsymbol)\s*\{([^{}]*)\}"
)
_SYMBOLS = {
    "geq": "≥", "ge": "≥", "geqslant": "≥", "leq": "≤", "le": "≤", "leqslant": "≤",
    "neq": "≠", "ne": "≠", "approx": "≈", "simeq": "≃", "sim": "~", "times": "×",
    "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "rightarrow": "→", "to": "→",
    "Rightarrow": "⇒", "leftarrow": "←", "infty": "∞", "circ": "°", "degree": "°",
    "ldots": "…", "dots": "…", "cdots": "…", "bullet": "•", "prime": "′", "%": "%",
    "$": "$", "&": "&", "_": "_", "#": "#", "{": "(", "}": ")", "alpha": "α", "beta": "β",
    "Delta": "Δ", "mu": "μ", "sum": "Σ", "in": "∈", "forall": "∀", "ell": "ℓ",
}
_SUPERSCRIPTS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")


def _group_text(content: str) -> str:
    """The letters of a \\mathrm{...} group: "k m" is "km", words keep their spaces."""
    parts = content.split()
    if parts and all(len(p) == 1 for p in parts):
        return "".join(parts)
    return " ".join(parts)


def latex_to_text(expr: str) -> str:
    """The plain text a short LaTeX math expression shows ("100 \\%" -> "100%")."""
    text = expr
    previous = None
    while previous != text:
        previous = text
        text = _GROUP_COMMANDS.sub(lambda m: " " + _group_text(m.group(1)) + " ", text)
    text = re.sub(r"\^\s*\{?\s*\\circ\s*\}?", "°", text)
    text = re.sub(r"\^\s*\{\s*([0-9+-]+)\s*\}|\^\s*([0-9])",
                  lambda m: (m.group(1) or m.group(2)).translate(_SUPERSCRIPTS), text)
    text = re.sub(r"_\s*\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\([A-Za-z]+|[%$&_#{}])",
                  lambda m: f" {_SYMBOLS[m.group(1)]} " if m.group(1) in _SYMBOLS
                  and m.group(1).isalpha() else _SYMBOLS.get(m.group(1), " "), text)
    text = re.sub(r"[{}]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    # Converters space out every digit ("2 0 2 5") and detach the unit ("90 %").
    text = re.sub(r"(?<=\d) (?=\d)", "", text)
    text = re.sub(r"(?<=\d) ?([.,/]) ?(?=\d)", r"\1", text)
    text = re.sub(r"(?<=\d) (?=[%°‰²³])", "", text)
    text = re.sub(r"(?<=\w) (?=[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻])", "", text)
    text = re.sub(r"\( ", "(", re.sub(r" \)", ")", text))
    return text


def replace_math(text: str) -> str:
    """Text with every $...$ (or $$...$$) math span replaced by the plain text it shows."""
    def plain(match: re.Match[str]) -> str:
        expr = match.group(1) if match.group(1) is not None else match.group(2)
        return latex_to_text(expr)

    text = _MATH.sub(plain, text)
    # A unit or sign the math span left detached from the word before or after it.
    return re.sub(r"[ \t]{2,}", " ", text)


# ---------------------------------------------------------------------------------------
# Words cut in two

_ONSETS = {"b", "c", "ch", "d", "đ", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
           "nh", "p", "ph", "r", "s", "t", "th", "tr", "v", "x"}
# Initials spelled with a vowel letter: never left bare by a cut, but part of syllables.
_VOWEL_ONSETS = {"gi", "q"}
_FRONT = ("e", "ê", "i", "y")  # vowels that take k/gh/ngh instead of c/g/ng
# A rhyme after tone marks are removed: medial, nucleus and final as Vietnamese allows.
_RHYME = re.compile(r"""^(?:
    [ou]?(?:a(?:ch|nh|ng|[cimnoptuy])?|ă(?:ng|[cmnpt])|â(?:ng|[cmnptuy])|e(?:ng|[cmnopt])?)
  | ê(?:ch|nh|[mnptu])?
  | i(?:a|ch|nh|[mnptu]|ê(?:ng|[cmnptu]))?
  | yê(?:ng|[cmnptu])?|y
  | o(?:ng|[cimnpt]|o(?:ng|c))?
  | ô(?:ng|[cimnpt])?
  | ơ(?:[imnpt])?
  | u(?:a|ng|[cimnpt]|ô(?:ng|[cimnpt])|y(?:a|ch|nh|[tu]|ê[nt])?|ê(?:ch|nh|[nu])?|â(?:ng|[nty])|ơ)?
  | ư(?:a|ng|[citu]|ơ(?:ng|[cimnptu]))?
)$""", re.X)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SPLIT = re.compile(r"(?<![^\W\d_])([bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX]{1,3}) ([^\W\d_]+)"
                    r"(?![^\W\d_])")


def _toneless(text: str) -> tuple[str, int]:
    """The text without tone marks (breve, circumflex and horn kept), and how many it had."""
    decomposed = unicodedata.normalize("NFD", text)
    tones = sum(1 for ch in decomposed if ch in _TONES)
    bare = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", bare), tones


def is_syllable(word: str) -> bool:
    """Whether `word` is a well-formed Vietnamese syllable (initial, rhyme, one tone at most)."""
    bare, tones = _toneless(word.lower())
    if tones > 1 or not bare:
        return False
    for size in (3, 2, 1, 0):
        onset, rhyme = bare[:size], bare[size:]
        if size and onset not in _ONSETS | _VOWEL_ONSETS:
            continue
        if onset == "q" and not rhyme.startswith("u"):
            continue
        if not _RHYME.match(rhyme):
            continue
        if onset in ("k", "gh", "ngh") and not rhyme.startswith(_FRONT):
            continue
        if onset in ("c", "ng") and rhyme.startswith(_FRONT):
            continue
        if onset == "g" and rhyme.startswith(("e", "ê")):
            continue
        return True
    return False


def _joinable(onset: str, rest: str) -> bool:
    """Whether "onset rest" is one syllable cut after its first letter(s)."""
    if onset.lower() not in _ONSETS:
        return False
    capital = onset == onset.capitalize() or onset.isupper()
    if not (onset.islower() or capital):
        return False
    if not (rest.islower() or (onset.isupper() and rest.isupper())):
        return False
    first = _toneless(rest[0].lower())[0]
    if first not in "aăâeêioôơuưy":
        # "T húc", "N gười": the cut fell inside the initial itself. Only after a capital,
        # where converters cut (a lone lower-case letter is a label: "điểm c hoặc d").
        leading = re.match(r"[^aăâeêioôơuưy]*", _toneless(rest.lower())[0]).group(0)
        if not capital or (onset + leading).lower() not in _ONSETS:
            return False
    return is_syllable(onset + rest)


_AFTER_NUMBER = re.compile(r"\d\s*$")


def join_split_syllables(text: str) -> str:
    """Text with words the converter cut after their initial consonant joined back."""
    def join(match: re.Match[str]) -> str:
        onset, rest = match.group(1), match.group(2)
        if _AFTER_NUMBER.search(text[max(0, match.start() - 8):match.start()]):
            return match.group(0)  # "500 m ở xã": a unit after a number, not a cut word
        return onset + rest if _joinable(onset, rest) else match.group(0)

    return _SPLIT.sub(join, text)


def clean_converted(text: str) -> str:
    """Text from a converter with math, emphasis markers and cut words repaired."""
    return join_split_syllables(strip_emphasis(replace_math(text)))


__all__ = ["clean_converted", "is_syllable", "join_split_syllables", "latex_to_text",
           "replace_math", "strip_emphasis"]
