"""Per-character voting over the reads of one tracked plate.

Each read is a text and the reader's confidence in [0, 1] (1 for readers that give none,
which makes the vote a plain majority). The vote aligns the reads, so that a read that
drops or adds a character (a lost first letter, a bolt read as ``1``) still votes on the
characters it has:

1. normalises every text (upper case, A-Z and 0-9 only) and leaves out empty reads;
2. picks the centre read: among the 8 texts with the most confidence, the one whose edit
   distance to every read, weighted by their confidence, adds up to the least (ties: the
   text with the most confidence, then more reads, then the longer, since OCR drops a
   character more often than it adds one);
3. aligns every read to the centre by edit distance: at each centre position a read gives a
   character or nothing (it dropped it), and between positions it may insert characters;
4. at each centre position picks, among the characters and nothing, the one whose reads add
   up to the most confidence (ties: a character before nothing, then the character of the
   most confident read, then the one read first); between positions, keeps the insertion
   whose reads outweigh those that insert nothing there;
5. gives each character the confidence of the reads agreeing on it summed over the number
   of reads: a lone read keeps its own confidence, disagreement lowers it. The text's
   confidence is its weakest character's.

Reads of the centre's length line up position by position, as in a plain per-character
vote, unless a shift (a character dropped and another added) explains them with fewer
edits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from plateplug.data.metrics import normalise_text
from plateplug.errors import ReadingError

DIGITS = 9  # confidence sums are compared rounded, so 0.45 + 0.45 ties with 0.9
CENTRE_CANDIDATES = 8  # the centre is one of the texts with the most confidence: O(n) per vote
NOTHING = ""  # what a read gives at a centre position it dropped, or between two it did not add to


@dataclass(frozen=True)
class Read:
    """One reading of a plate: its text, the reader's confidence and the frame it came from."""

    text: str
    confidence: float = 1.0
    frame: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:  # also rejects NaN
            raise ReadingError(f"a read's confidence must be in [0, 1], got {self.confidence!r}"
                               f" for {self.text!r}")

    @classmethod
    def from_texts(cls, texts: Sequence[str], frame: int | None = None) -> Read | None:
        """The plate text of a reader's text boxes, joined in order, or None when they hold
        no plate characters. Boxes carrying a ``.score`` (``ScoredText``) give the read the
        lowest of their scores, others count 1."""
        kept = [t for t in texts if normalise_text(t)]
        if not kept:
            return None
        confidence = min(float(getattr(t, "score", 1.0)) for t in kept)
        return cls(normalise_text("".join(kept)), confidence, frame)


@dataclass(frozen=True)
class Vote:
    """The voted text, its confidence, each character's confidence and the reads it used."""

    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    reads: int


@dataclass(frozen=True)
class Alignment:
    """A text aligned to a centre text: ``chars[i]`` is its character at centre position i
    (NOTHING if dropped), ``inserted[i]`` what it adds before position i (the last entry:
    after the end)."""

    chars: tuple[str, ...]
    inserted: tuple[str, ...]


def vote(reads: Iterable[Read]) -> Vote | None:
    """The aligned per-character vote over ``reads`` (see the module docstring); None when
    no read has plate characters."""
    texts = [(normalise_text(r.text), r.confidence) for r in reads]
    texts = [(t, c) for t, c in texts if t]
    if not texts:
        return None
    distinct = list(dict.fromkeys(t for t, _ in texts))
    weight = {t: _sum(c for x, c in texts if x == t) for t in distinct}
    count = {t: sum(x == t for x, _ in texts) for t in distinct}

    def prominence(t: str) -> tuple[float, int, int]:  # the most confidence, reads, length
        return -weight[t], -count[t], -len(t)

    cost = {t: _sum(weight[u] * edit_distance(t, u) for u in distinct)
            for t in sorted(distinct, key=prominence)[:CENTRE_CANDIDATES]}
    centre = min(cost, key=lambda t: (cost[t], *prominence(t)))
    aligned = {t: align(centre, t) for t in distinct}
    chars: list[str] = []
    confidences: list[float] = []
    for i in range(len(centre) + 1):
        inserted, confidence = _pick([(aligned[t].inserted[i], c) for t, c in texts],
                                     prefer_nothing=True)
        chars += inserted
        confidences += [confidence / len(texts)] * len(inserted)
        if i < len(centre):
            char, confidence = _pick([(aligned[t].chars[i], c) for t, c in texts],
                                     prefer_nothing=False)
            if char:
                chars.append(char)
                confidences.append(confidence / len(texts))
    return Vote("".join(chars), min(confidences), tuple(confidences), len(texts))


def edit_distance(a: str, b: str) -> int:
    """The Levenshtein distance: fewest characters changed, dropped or added to make ``b``."""
    return _edit_costs(a, b)[-1][-1]


def align(centre: str, text: str) -> Alignment:
    """``text`` aligned to ``centre`` by edit distance (among equally short alignments:
    changed characters first, then dropped ones)."""
    m, n = len(centre), len(text)
    cost = _edit_costs(centre, text)
    chars, inserted = [NOTHING] * m, [NOTHING] * (m + 1)
    i, j = m, n
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (centre[i - 1] != text[j - 1]):
            chars[i - 1] = text[j - 1]
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            inserted[i] = text[j - 1] + inserted[i]
            j -= 1
    return Alignment(tuple(chars), tuple(inserted))


def _edit_costs(a: str, b: str) -> list[list[int]]:
    """``cost[i][j]``: the edit distance between ``a[:i]`` and ``b[:j]``."""
    cost = [[i + j if not (i and j) else 0 for j in range(len(b) + 1)]
            for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                             cost[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return cost


def _pick(options: list[tuple[str, float]], prefer_nothing: bool) -> tuple[str, float]:
    """The option whose reads add up to the most confidence, and that sum. Ties: NOTHING
    first if ``prefer_nothing`` else last, then the most confident read's, then the first."""
    first: dict[str, int] = {}
    for k, (option, _) in enumerate(options):
        first.setdefault(option, k)

    def rank(option: str) -> tuple[float, bool, float, int]:
        agreeing = [c for x, c in options if x == option]
        return (_sum(agreeing), (option == NOTHING) == prefer_nothing, max(agreeing),
                -first[option])

    best = max(first, key=rank)
    return best, math.fsum(c for x, c in options if x == best)


def _sum(values: Iterable[float]) -> float:
    return round(math.fsum(values), DIGITS)
