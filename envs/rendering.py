"""Pictures of the memory tasks: text for ``render_mode="ansi"``, small fixed-size RGB images for
``render_mode="rgb_array"`` (fixed so that frames of any memory length can go in one video)."""

from __future__ import annotations

import numpy as np

IMAGE_HEIGHT, IMAGE_WIDTH = 48, 256

_WALL = (20, 20, 20)
_FLOOR = (150, 150, 150)
_CUE_SHOWN = (240, 200, 40)
_CUE_HIDDEN = (110, 95, 40)
_GOAL = (60, 180, 75)
_OTHER = (150, 60, 60)
_AGENT = (50, 110, 240)


def _columns(x: int, num_cells: int) -> slice:
    """Pixel columns of corridor cell ``x`` when ``num_cells`` cells share the image width."""
    lo = x * IMAGE_WIDTH // num_cells
    hi = max(lo + 1, (x + 1) * IMAGE_WIDTH // num_cells)
    return slice(lo, hi)


def tmaze_rgb(x: int, y: int, junction: int, cue: int, cue_visible: bool) -> np.ndarray:
    """RGB picture of a T-maze: corridor in the middle band, arms above/below the junction.

    The goal arm is green and the other red (the picture shows the answer; the agent's observation
    does not). The cue cell (``x = 0``) is bright yellow while the cue is in the observation.
    """
    img = np.empty((IMAGE_HEIGHT, IMAGE_WIDTH, 3), dtype=np.uint8)
    img[:] = _WALL
    band = IMAGE_HEIGHT // 3
    num_cells = junction + 1
    img[band : 2 * band, :] = _FLOOR
    img[band : 2 * band, _columns(0, num_cells)] = _CUE_SHOWN if cue_visible else _CUE_HIDDEN
    jcols = _columns(junction, num_cells)
    img[:band, jcols] = _GOAL if cue == 1 else _OTHER
    img[2 * band :, jcols] = _GOAL if cue == -1 else _OTHER
    top = {0: band, 1: 0, -1: 2 * band}[y]
    cols = _columns(x, num_cells)
    width = cols.stop - cols.start
    # Inset the agent so that the colour of the cell under it stays visible.
    inset_r = slice(top + 3, top + band - 3)
    inset_c = slice(cols.start + width // 4, cols.stop - width // 4) if width >= 4 else cols
    img[inset_r, inset_c] = _AGENT
    return img


def tmaze_ansi(
    x: int, y: int, junction: int, cue: int, cue_visible: bool, t: int, horizon: int
) -> str:
    """Text picture of a T-maze: ``A`` agent, ``C`` cue cell, ``G`` goal arm, ``o`` other arm."""
    row = ["."] * (junction + 1)
    row[0] = "C"
    up = [" "] * (junction + 1)
    down = [" "] * (junction + 1)
    up[junction] = "G" if cue == 1 else "o"
    down[junction] = "G" if cue == -1 else "o"
    {0: row, 1: up, -1: down}[y][x] = "A"
    shown = f"cue {'up' if cue == 1 else 'down'} shown" if cue_visible else "cue hidden"
    header = f"t={t}/{horizon} {shown}"
    return "\n".join([header, "".join(up), "".join(row), "".join(down)]) + "\n"


def delayed_cue_rgb(obs: np.ndarray, num_cues: int) -> np.ndarray:
    """RGB picture of a DelayedCue observation: cue slots on top, query light and time bar below."""
    img = np.empty((IMAGE_HEIGHT, IMAGE_WIDTH, 3), dtype=np.uint8)
    img[:] = _WALL
    half = IMAGE_HEIGHT // 2
    for k in range(num_cues):
        cols = _columns(k, num_cues)
        img[2 : half - 2, cols.start + 1 : cols.stop - 1] = (
            _CUE_SHOWN if obs[2 + k] > 0 else _CUE_HIDDEN
        )
    img[half + 2 :, : IMAGE_WIDTH // 4] = _GOAL if obs[1] > 0 else _OTHER
    filled = int(round(float(obs[0]) * (IMAGE_WIDTH * 3 // 4)))
    img[half + 8 : -8, IMAGE_WIDTH // 4 : IMAGE_WIDTH // 4 + filled] = _FLOOR
    return img


def delayed_cue_ansi(obs: np.ndarray, t: int, memory_length: int, cue: int) -> str:
    """Text picture of a DelayedCue step: the cue slots, the query flag and the hidden answer."""
    slots = "".join("#" if v > 0 else "." for v in obs[2:])
    query = "QUERY" if obs[1] > 0 else "-----"
    return f"t={t}/{memory_length} cues [{slots}] {query} (answer: {cue})\n"
