"""A tiny stand-in for RapidOCR's recogniser, shared by the text-loss tests (import it after
``pytest.importorskip("torch")``)."""

import torch

from plateplug.train.ocr_teacher import INPUT_HEIGHT


class ColumnReader(torch.nn.Module):
    """Character probabilities per 8-pixel column of a 48 px high input."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv2d(3, 7, kernel_size=(INPUT_HEIGHT, 8), stride=8)

    def forward(self, x):
        return self.conv(x).squeeze(2).transpose(1, 2).softmax(-1)
