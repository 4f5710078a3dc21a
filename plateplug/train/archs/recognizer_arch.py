"""PlateCRNN: a small CRNN plate-text recogniser (conv features + BiGRU + CTC).

Its conv stages double as the frozen feature network of the SRGAN perceptual loss: an
ImageNet VGG cannot be downloaded here, and features that separate plate characters make
the loss text-aware. Input: RGB in 0..1, any height >= 16 and width >= 16.
"""

from __future__ import annotations

import torch
from torch import nn

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANK = 0  # CTC blank; character i of ALPHABET is class i + 1


def is_plate_text(text: str) -> bool:
    """Whether ``text`` can be a CTC target: ALPHABET characters only, at least one."""
    return bool(text) and all(ch in ALPHABET for ch in text)


def ctc_targets(texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Concatenated CTC targets (class of each character) and the length of each text."""
    flat = [ALPHABET.index(ch) + 1 for text in texts for ch in text]
    return torch.tensor(flat, dtype=torch.long), torch.tensor([len(t) for t in texts])


def _conv(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, 1, 1), nn.BatchNorm2d(c_out), nn.ReLU(True))


class PlateCRNN(nn.Module):
    """Four conv stages (x8 down in height, x4 in width), height pooling, BiGRU, classes."""

    def __init__(self, num_feat: int = 16, hidden: int = 64):
        super().__init__()
        f = num_feat
        self.stages = nn.ModuleList([
            nn.Sequential(_conv(3, f), nn.MaxPool2d(2)),
            nn.Sequential(_conv(f, 2 * f), nn.MaxPool2d(2)),
            nn.Sequential(_conv(2 * f, 4 * f), _conv(4 * f, 4 * f), nn.MaxPool2d((2, 1))),
            nn.Sequential(_conv(4 * f, 6 * f)),
        ])
        self.rnn = nn.GRU(6 * f, hidden, batch_first=True, bidirectional=True)
        self.classifier = nn.Linear(2 * hidden, len(ALPHABET) + 1)

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Output of every conv stage (the perceptual-loss features)."""
        x = (x - 0.5) / 0.25
        feats = []
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        return feats

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Per-column class logits, N x T x classes (T = W / 4)."""
        feat = self.features(x)[-1].mean(dim=2).transpose(1, 2)
        return self.classifier(self.rnn(feat)[0])


def greedy_decode(logits: torch.Tensor) -> list[str]:
    """Best-path CTC decoding of N x T x classes logits."""
    texts = []
    for row in logits.argmax(-1).tolist():
        chars, prev = [], BLANK
        for k in row:
            if k != prev and k != BLANK:
                chars.append(ALPHABET[k - 1])
            prev = k
        texts.append("".join(chars))
    return texts
