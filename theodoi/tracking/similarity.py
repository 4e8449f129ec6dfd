"""How alike two tasks' texts are, for proposing which task of a parent plan a task
implements: the same work is worded differently at every level of the cascade.

Vietnamese words are written as syllables ("cơ sở dữ liệu" is four), so texts are compared
by pairs of adjacent syllables, folded (no diacritics, lower case), weighted by how rare
each pair is among the candidates (TF-IDF) and compared by cosine. No model, no download.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

from theodoi.registry.text import fold

# Syllables that say nothing of the work itself.
_COMMON = frozenset(fold(w) for w in (
    "và", "của", "các", "cho", "trên", "theo", "về", "với", "trong", "đối", "tại", "để",
    "những", "được", "có", "là", "một", "số", "việc", "thực", "hiện", "triển", "khai",
))
_SYLLABLE = re.compile(r"[a-z0-9]+")


def pairs(text: str) -> Counter[str]:
    """The adjacent syllable pairs of `text` (and single syllables of very short texts)."""
    syllables = [s for s in _SYLLABLE.findall(fold(text)) if s not in _COMMON]
    found = Counter(f"{a} {b}" for a, b in pairwise(syllables))
    if len(syllables) < 3:
        found.update(syllables)
    return found


class Corpus:
    """Candidate texts, weighted against each other."""

    def __init__(self, texts: Sequence[str]):
        self.vectors = [pairs(t) for t in texts]
        documents = Counter(p for v in self.vectors for p in set(v))
        n = len(self.vectors)
        self.idf = {p: math.log((1 + n) / (1 + d)) + 1 for p, d in documents.items()}
        self.norms = [self._norm(v) for v in self.vectors]

    def _weights(self, vector: Counter[str]) -> dict[str, float]:
        return {p: c * self.idf.get(p, math.log(1 + len(self.vectors)) + 1)
                for p, c in vector.items()}

    def _norm(self, vector: Counter[str]) -> float:
        return math.sqrt(sum(w * w for w in self._weights(vector).values()))

    def best(self, text: str, limit: int = 3) -> list[tuple[int, float]]:
        """The indexes of the candidates most like `text`, with their cosine (0-1)."""
        query = self._weights(pairs(text))
        q_norm = math.sqrt(sum(w * w for w in query.values()))
        if not q_norm:
            return []
        scores = []
        for index, vector in enumerate(self.vectors):
            if not self.norms[index]:
                continue
            weights = self._weights(vector)
            dot = sum(w * weights.get(p, 0.0) for p, w in query.items())
            if dot:
                scores.append((index, dot / (q_norm * self.norms[index])))
        scores.sort(key=lambda s: -s[1])
        return scores[:limit]


def similarity(a: str, b: str, others: Iterable[str] = ()) -> float:
    """The cosine of `a` and `b` weighted among `others` too."""
    corpus = Corpus([b, *others])
    found = dict(corpus.best(a, limit=len(corpus.vectors)))
    return found.get(0, 0.0)
