"""Correction of OCR text: marks Tesseract confuses, chosen by the words around them.

On small or blurred print Tesseract reads the hỏi tone as sắc ("Tổ" as "Tố", "chuyển đổi"
as "chuyến đối") and drops breves and hooks. Each word may be replaced by one of its
`syllables.variants` (same letters, other marks, still a well-formed syllable); a
replacement is kept only where it makes pairs of neighbouring words that the lexicon knows
and the word as read does not. The lexicon is data every plan shares: the registry's agency
names and its sources' texts, the deadline words the deadline parser reads, and the frequent
word pairs of typed administrative text (ocr_pairs.txt, built by scripts/build_ocr_pairs.py
from the typed seeds and corpus, never from a scanned fixture). Capitals
that look like their small letters ("SỐ", "CƠ SỞ") inside lower-case text are lowered.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from theodoi.extract.syllables import is_syllable, split_tone, variants, with_tone
from theodoi.extract.text import nfc

# Words of deadline cells that the deadline parser (deadlines.py) reads.
DEADLINE_WORDS = ("Hằng năm", "Hằng quý", "Hằng tháng", "Hằng tuần", "hằng năm", "Thường xuyên",
                  "định kỳ hằng quý", "Hàng năm", "Theo tiến độ", "Theo yêu cầu")
CHANGE_COST = 0.6  # a replacement must make at least one known pair more than it breaks
PAIRS_FILE = Path(__file__).with_name("ocr_pairs.txt")
_WORD = re.compile(r"[^\W\d_]+")
# Letters whose capital is the small letter drawn larger: OCR mixes them up.
_SAME_SHAPE = frozenset("cosuvwxzCOSUVWXZ")


def key(word: str) -> str:
    """The word in lower case with its tone mark where standard spelling puts it."""
    lower = nfc(word.lower())
    base, tone = split_tone(lower)
    return lower if tone == "?" else with_tone(base, tone)


@dataclass
class Lexicon:
    """Word and word-pair counts of a body of Vietnamese text."""

    words: Counter[str]
    pairs: Counter[tuple[str, str]]
    spelling: dict[str, str]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Lexicon:
        """The counts of the words and neighbouring word pairs of `texts`."""
        words: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        spelled: dict[str, Counter[str]] = {}
        for text in texts:
            for chain in word_chains(nfc(text)):
                keys = [key(m.group()) for m in chain]
                words.update(keys)
                pairs.update(itertools.pairwise(keys))
                for m, k in zip(chain, keys, strict=True):
                    spelled.setdefault(k, Counter())[m.group().lower()] += 1
        spelling = {k: c.most_common(1)[0][0] for k, c in spelled.items()}
        return cls(words, pairs, spelling)


def word_chains(text: str) -> list[list[re.Match[str]]]:
    """Runs of words separated only by white space (punctuation and digits end a run)."""
    chains: list[list[re.Match[str]]] = []
    last_end = None
    for m in _WORD.finditer(text):
        if last_end is not None and text[last_end:m.start()].strip() == "" and chains:
            chains[-1].append(m)
        else:
            chains.append([m])
        last_end = m.end()
    return chains


def _strings(data: Any) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


@functools.lru_cache(maxsize=1)
def shared_lexicon() -> Lexicon:
    """The lexicon of the registry's data files, the deadline words and the word pairs of
    typed administrative text."""
    from theodoi.registry.loader import data_dir

    texts: list[str] = list(DEADLINE_WORDS)
    texts.extend(line for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith("#"))
    for entry in sorted(data_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            texts.extend(_strings(json.loads(entry.read_text(encoding="utf-8"))))
        elif entry.name.endswith(".csv"):
            for row in csv.reader(io.StringIO(entry.read_text(encoding="utf-8"))):
                texts.extend(row)
    return Lexicon.from_texts(texts)


def _best_keys(words: list[str], lexicon: Lexicon) -> list[str]:
    """For each word, the spelling (key) that makes the most known pairs with its neighbours,
    each change costing CHANGE_COST (Viterbi over the candidates)."""
    options: list[list[str]] = []
    for word in words:
        own = key(word)
        alts = [own]
        if len(word) <= 7:
            for v in variants(word):
                k = key(v)
                if k not in alts and lexicon.words[k]:
                    alts.append(k)
        options.append(alts)
    # best[i][j]: (score, back pointer) for word i read as options[i][j]
    best: list[list[tuple[float, int]]] = [[(-CHANGE_COST * (j > 0), -1)
                                            for j in range(len(options[0]))]]
    for i in range(1, len(words)):
        row = []
        for j, cur in enumerate(options[i]):
            cost = -CHANGE_COST * (j > 0)
            row.append(max(
                (best[i - 1][p][0] + cost + (1.0 if lexicon.pairs[(prev, cur)] else 0.0), p)
                for p, prev in enumerate(options[i - 1])))
        best.append(row)
    j = max(range(len(options[-1])), key=lambda q: (best[-1][q][0], -q))
    out = []
    for i in range(len(words) - 1, -1, -1):
        out.append(options[i][j])
        j = best[i][j][1]
    return out[::-1]


def _respell(original: str, lower: str) -> str:
    """`lower` written with the capitals of `original` (same length)."""
    if len(lower) != len(original):
        return original
    return "".join(n.upper() if o.isupper() else n for o, n in zip(original, lower, strict=True))


def _look_alike(word: str) -> bool:
    return len(word) >= 2 and word.isupper() and all(
        unicodedata.normalize("NFD", c)[0] in _SAME_SHAPE for c in word)


def _lower_mixed(word: str) -> str:
    """A word with look-alike capitals after a small letter ("sỐ") in small letters."""
    rest = word[1:]
    if word[:1].islower() and any(c.isupper() for c in rest) and all(
            unicodedata.normalize("NFD", c)[0] in _SAME_SHAPE for c in rest if c.isupper()):
        return word.lower()
    return word


def _lower_look_alike_capitals(words: list[str]) -> list[str]:
    """Runs of words in capitals made only of look-alike letters ("SỐ", "CƠ SỞ") lowered
    where the word before is in lower case and the word after, if any, too."""
    out = [_lower_mixed(w) for w in words]
    i = 0
    while i < len(words):
        if not _look_alike(words[i]):
            i += 1
            continue
        j = i
        while j < len(words) and _look_alike(words[j]):
            j += 1
        if i > 0 and words[i - 1].islower() and (j == len(words) or words[j].islower()):
            out[i:j] = [w.lower() for w in words[i:j]]
        i = j
    return out


_VIETNAMESE_MARK = re.compile("[\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031bđĐ]")


def split_glued(word: str, lexicon: Lexicon | None = None) -> str:
    """Two syllables Tesseract read without the space between them ("tráchvề", "cácbộ")
    parted again: only a word that is no syllable, carries a Vietnamese mark (so "video" and
    "internet" stay) and parts into two well-formed syllables in one way (or in one way
    whose pair the lexicon knows)."""
    if len(word) < 3 or is_syllable(word) or not word.isalpha() or not _VIETNAMESE_MARK.search(
            unicodedata.normalize("NFD", word)):
        return word
    splits = [(word[:i], word[i:]) for i in range(1, len(word))
              if is_syllable(word[:i]) and is_syllable(word[i:]) and not word[i:].isupper()
              and not (word[:i].islower() and word[i].isupper())]
    if len(splits) > 1 and lexicon is not None:
        splits = [s for s in splits if lexicon.pairs[(key(s[0]), key(s[1]))]] or splits
    return " ".join(splits[0]) if len(splits) == 1 else word


_BULLET_TILDE = re.compile(r"(?m)^(\s*)~(?=\s)")  # an en-dash bullet read as "~"
_NO_SPACE_AFTER = re.compile(r"([,;])(?=[^\W\d_])")  # "bộ,cơ": Vietnamese puts a space


def correct(text: str, lexicon: Lexicon | None = None) -> str:
    """The OCR text with confused marks, glued words, bullets and look-alike capitals put
    right."""
    lexicon = lexicon or shared_lexicon()
    text = nfc(text)
    text = _BULLET_TILDE.sub(r"\1-", text)
    text = _NO_SPACE_AFTER.sub(r"\1 ", text)
    text = _WORD.sub(lambda m: split_glued(m.group(), lexicon), text)
    pieces: list[tuple[int, int, str]] = []
    for chain in word_chains(text):
        words = [m.group() for m in chain]
        fixed = _lower_look_alike_capitals(words)
        if len(fixed) >= 2:
            keys = _best_keys(fixed, lexicon)
            for n, (word, k) in enumerate(zip(fixed, keys, strict=True)):
                if k != key(word):
                    mixed = not (word.islower() or word.isupper() or word.istitle())
                    fixed[n] = _respell(word.lower() if mixed else word,
                                        lexicon.spelling.get(k, k))
        for m, new in zip(chain, fixed, strict=True):
            if new != m.group():
                pieces.append((m.start(), m.end(), new))
    for start, end, new in reversed(pieces):
        text = text[:start] + new + text[end:]
    return text
