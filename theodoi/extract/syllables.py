"""Vietnamese syllables: spelling rules (onset, rhyme, tone) and the variants OCR confuses.

A written syllable is onset + rhyme + tone. The onset is one of the 27 spelled consonant
clusters (or none); the rhyme is one of the rhymes Vietnamese spelling allows (medial
o/u, nucleus, final consonant or glide); the tone is one of six marks, and a rhyme ending
in a stop (c, ch, p, t) takes only the sắc or nặng tone. Spelling rules tie the onset to
the rhyme: k, gh, ngh only before i, e, ê (and y); c, g, ng never before them; q only as qu.

`is_syllable` checks those rules; `variants` lists the syllables that differ from a word only
in the marks Tesseract confuses on small print (tone marks, and the breve/circumflex/horn).
"""

from __future__ import annotations

import functools
import unicodedata

# Combining tone marks: huyền, sắc, hỏi, ngã, nặng.
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_TONE_SET = frozenset(TONES[1:])

ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")

_CODAS = ("", "c", "ch", "m", "n", "ng", "nh", "p", "t")
_STOPS = frozenset({"c", "ch", "p", "t"})


def _rhymes() -> frozenset[str]:
    """Every toneless rhyme Vietnamese spelling allows."""
    # nucleus -> the finals it takes ("" = open syllable, "i"/"o"/"u"/"y" = glides)
    table = {
        "a": ["", "i", "o", "u", "y", "c", "ch", "m", "n", "ng", "nh", "p", "t"],
        "ă": ["c", "m", "n", "ng", "p", "t"],
        "â": ["u", "y", "c", "m", "n", "ng", "p", "t"],
        "e": ["", "o", "c", "m", "n", "ng", "p", "t"],
        "ê": ["", "u", "ch", "m", "n", "nh", "p", "t"],
        "i": ["", "a", "u", "ch", "m", "n", "nh", "p", "t"],
        "iê": ["u", "c", "m", "n", "ng", "p", "t"],
        "yê": ["u", "m", "n", "ng", "t"],
        "y": [""],
        "o": ["", "i", "o", "c", "m", "n", "ng", "p", "t"],
        "ô": ["", "i", "c", "m", "n", "ng", "p", "t"],
        "ơ": ["", "i", "m", "n", "p", "t"],
        "u": ["", "a", "i", "y", "c", "m", "n", "ng", "p", "t"],
        "uô": ["i", "c", "m", "n", "ng", "t"],
        "ư": ["", "a", "i", "u", "c", "m", "n", "ng", "t"],
        "ươ": ["i", "u", "c", "m", "n", "ng", "p", "t"],
    }
    rhymes = {nucleus + final for nucleus, finals in table.items() for final in finals}
    # After the medial o (hoa, hoặc, khoẻ) and u (thuế, tuy, quyết, thuở).
    medial_o = {"a", "ai", "ao", "ay", "ac", "ach", "am", "an", "ang", "anh", "ap", "at",
                "ăc", "ăm", "ăn", "ăng", "ăt", "e", "eo", "en", "et", "i"}
    medial_u = {"ân", "âng", "ât", "ây", "ê", "êch", "ên", "ênh", "êt", "y", "ya", "yu",
                "ych", "yn", "ynh", "yt", "yên", "yêt", "ơ"}
    rhymes |= {"o" + r for r in medial_o} | {"u" + r for r in medial_u}
    return frozenset(rhymes)


RHYMES = _rhymes()
# After qu the u is spelt by the onset: qua, quân, quê, quy, quyết, quốc (u + ô).
_QU_RHYMES = frozenset(r[1:] for r in RHYMES if r.startswith("u") and len(r) > 1) | frozenset(
    {"a", "ai", "an", "ang", "anh", "ac", "at", "ay", "ăc", "ăm", "ăn", "ăng", "ăt", "e", "en",
     "eo", "et", "i", "ô", "ôc"})


def split_tone(word: str) -> tuple[str, str]:
    """The word without its tone mark (NFC) and the tone mark ("" for ngang)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONE_SET]
    base = "".join(c for c in decomposed if c not in _TONE_SET)
    return unicodedata.normalize("NFC", base), (tones[0] if len(tones) == 1 else
                                                 "" if not tones else "?")


def with_tone(base: str, tone: str) -> str:
    """The toneless syllable `base` written with `tone`, the mark on the vowel Vietnamese
    spelling puts it on (the modified vowel, else the second of two before a final or in
    oa/oe/uy, else the first)."""
    if not tone:
        return base
    vowels = [i for i, c in enumerate(base) if c in "aăâeêioôơuưy"]
    if base.startswith(("gi", "qu")) and len(vowels) > 1 and vowels[0] == 1:
        vowels = vowels[1:]  # the i of gi and the u of qu belong to the onset
    if not vowels:
        return base
    modified = [i for i in vowels if base[i] in "ăâêôơư"]
    if modified:
        at = modified[-1]
    elif len(vowels) >= 2 and (vowels[-1] < len(base) - 1 or base[vowels[0]:vowels[0] + 2]
                               in ("oa", "oe", "uy")):
        at = vowels[1]
    else:
        at = vowels[0]
    return unicodedata.normalize("NFC", base[:at + 1] + tone + base[at + 1:])


def parse(word: str) -> tuple[str, str, str] | None:
    """(onset, rhyme, tone) of a lower-case syllable, or None when it breaks the rules."""
    base, tone = split_tone(word)
    if tone == "?" or not base or not base.isalpha():
        return None
    for onset in ("", *ONSETS):
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        if onset == "gi" and rhyme and rhyme[0] not in "aăâeêoôơuư":
            continue  # gìn, gịt: onset g and rhyme in/it
        if rhyme not in (_QU_RHYMES if onset == "qu" else RHYMES):
            continue
        if onset in ("k", "gh", "ngh") and rhyme[:1] not in ("i", "e", "ê", "y"):
            continue
        # c, g, ng never before i, e, ê, y (but gì, gìn: g before i is spelt so)
        if (onset in ("c", "g", "ng") and rhyme[:1] in ("i", "e", "ê", "y")
                and not (onset == "g" and rhyme[:1] == "i")):
            continue
        if onset not in ("", "qu") and rhyme.startswith("y") and rhyme != "y":
            continue  # yê, ya, yu open the syllable only without onset or after qu/u
        if rhyme.endswith(tuple(_STOPS)) and tone not in ("\u0301", "\u0323"):
            continue  # a stop final takes sắc or nặng only
        return onset, rhyme, tone
    return None


def is_syllable(word: str) -> bool:
    """Whether `word` (any case) is a well-formed Vietnamese syllable."""
    return parse(word.lower()) is not None


# Vowel letters Tesseract confuses by their small marks (breve, circumflex, horn).
_CONFUSED = {"a": "aăâ", "ă": "aăâ", "â": "aăâ", "e": "eê", "ê": "eê",
             "o": "oôơ", "ô": "oôơ", "ơ": "oôơ", "u": "uư", "ư": "uư"}


@functools.lru_cache(maxsize=20_000)
def variants(word: str) -> tuple[str, ...]:
    """The well-formed syllables (lower case) that differ from `word` only in tone mark or in
    the breve/circumflex/horn of its vowels; the word itself first when it is one."""
    lower = word.lower()
    base, _tone = split_tone(lower)
    if _tone == "?" or not base.isalpha():
        return ()
    bases = {""}
    for c in base:
        bases = {b + alt for b in bases for alt in _CONFUSED.get(c, c)}
        if len(bases) > 64:
            return ()
    found = [lower] if is_syllable(lower) else []
    for b in sorted(bases):
        for tone in TONES:
            candidate = with_tone(b, tone)
            if candidate != lower and is_syllable(candidate):
                found.append(candidate)
    return tuple(found)
