"""CenterNet losses: focal loss on the centre heatmap, L1 on offsets and log sizes."""

from __future__ import annotations

import torch
import torch.nn.functional as F

SIZE_WEIGHT = 1.0
OFFSET_WEIGHT = 1.0


def focal(logits: torch.Tensor, heat: torch.Tensor, care: torch.Tensor | None = None,
          alpha: float = 2.0, beta: float = 4.0) -> torch.Tensor:
    """Penalty-reduced pixel-wise focal loss, normalised by the number of centres;
    ``care`` (0..1, like ``heat``) weights the background cells."""
    pos = heat.eq(1).float()
    log_p = F.logsigmoid(logits)
    log_not_p = F.logsigmoid(-logits)
    p = torch.sigmoid(logits)
    pos_loss = -(1 - p) ** alpha * log_p * pos
    neg_loss = -((1 - heat) ** beta) * p ** alpha * log_not_p * (1 - pos)
    if care is not None:
        neg_loss = neg_loss * care
    return (pos_loss.sum() + neg_loss.sum()) / pos.sum().clamp(min=1)


def detection_loss(output: torch.Tensor, heat: torch.Tensor, reg: torch.Tensor,
                   mask: torch.Tensor, care: torch.Tensor | None = None
                   ) -> tuple[torch.Tensor, dict[str, float]]:
    """Total loss of a raw PlateNet output and its parts (for logging)."""
    heat_loss = focal(output[:, :1], heat, care)
    m = mask.unsqueeze(1)
    n = m.sum().clamp(min=1)
    offset = (torch.sigmoid(output[:, 1:3]) - reg[:, :2]).abs().mul(m).sum() / n
    size = (output[:, 3:] - reg[:, 2:]).abs().mul(m).sum() / n
    total = heat_loss + OFFSET_WEIGHT * offset + SIZE_WEIGHT * size
    return total, {"heat": heat_loss.item(), "offset": offset.item(), "size": size.item()}
