"""Per-character voting over the reads of one tracked plate.

Each read is a text and the reader's confidence in [0, 1] (1 for readers that give none,
which makes the vote a plain majority). The vote:

1. normalises every text (upper case, A-Z and 0-9 only) and leaves out empty reads;
2. picks the length: the one whose reads add up to the most confidence (ties: more reads,
   then the longer length, since OCR drops a character more often than it adds one);
3. at each position, among the reads of that length only, picks the character whose reads
   add up to the most confidence (ties: the character of the most confident read, then the
   one read first);
4. gives each character the confidence of the reads agreeing on it summed over the number
   of reads of every length: a lone read keeps its own confidence, disagreement (on the
   character or on the length) lowers it. The text's confidence is its weakest character's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from plateplug.data.metrics import normalise_text
from plateplug.errors import ReadingError

DIGITS = 9  # confidence sums are compared rounded, so 0.45 + 0.45 ties with 0.9


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


def vote(reads: Iterable[Read]) -> Vote | None:
    """The per-character vote over ``reads`` (see the module docstring); None when no read
    has plate characters."""
    texts = [(normalise_text(r.text), r.confidence) for r in reads]
    texts = [(t, c) for t, c in texts if t]
    if not texts:
        return None
    length = max({len(t) for t, _ in texts}, key=lambda n: (
        _sum(c for t, c in texts if len(t) == n), sum(len(t) == n for t, _ in texts), n))
    same = [(t, c) for t, c in texts if len(t) == length]
    chars, confidences = [], []
    for i in range(length):
        column = [(t[i], c) for t, c in same]
        first = {ch: k for k, (ch, _) in reversed(list(enumerate(column)))}
        char = max(first, key=lambda ch: (_sum(c for x, c in column if x == ch),
                                          max(c for x, c in column if x == ch), -first[ch]))
        chars.append(char)
        confidences.append(math.fsum(c for x, c in column if x == char) / len(texts))
    return Vote("".join(chars), min(confidences), tuple(confidences), len(texts))


def _sum(values: Iterable[float]) -> float:
    return round(math.fsum(values), DIGITS)
