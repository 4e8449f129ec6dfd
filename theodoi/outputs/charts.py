"""Charts of the periodic report as PNG images, drawn with Pillow.

Two kinds are enough for the report, so the project does without a plotting library:
stacked horizontal bars (tasks by status, per section or agency) and progress bars
(targets against their goals). Text uses a system font that covers Vietnamese
(Liberation Sans, else DejaVu Sans).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from theodoi.outputs.labels import STATUS_LABELS, STATUS_ORDER
from theodoi.tracking import status as engine

STATUS_COLORS: dict[str, str] = {
    engine.OVERDUE: "#C0392B",
    engine.DUE_SOON: "#E67E22",
    engine.AWAITING_DATE: "#A6ACAF",
    engine.IN_PROGRESS: "#2E86C1",
    engine.NOT_STARTED: "#D5D8DC",
    engine.DONE_LATE: "#82C99A",
    engine.DONE: "#1E8449",
}
DARK_TEXT_ON = frozenset({engine.NOT_STARTED, engine.AWAITING_DATE, engine.DONE_LATE})

FONT_FILES = {
    False: ("LiberationSans-Regular.ttf", "DejaVuSans.ttf"),
    True: ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
}
SCALE = 2  # drawn at twice the size, for print
WIDTH = 640  # logical pixels across the printed width (about 16 cm)
INK = "#1B2631"
GRID = "#E5E8E8"


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A Vietnamese-capable TrueType font at `size` (already scaled)."""
    for name in FONT_FILES[bold]:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    raise OSError(
        "không tìm thấy phông Liberation Sans hay DejaVu Sans (cài fonts-liberation2)"
    )


def _s(value: float) -> int:
    return round(value * SCALE)


def _wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int, lines: int) -> list[str]:
    """`text` cut into at most `lines` lines of `width` pixels, the last one shortened
    with "…" when the text does not fit."""
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=face) <= width:
            current = trial
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    shown = " ".join(out)
    if shown != " ".join(words) and out:
        last = out[-1]
        while last and draw.textlength(last + "…", font=face) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out[:lines]


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="PNG", dpi=(96 * SCALE, 96 * SCALE))
    return out.getvalue()


def _legend(draw: ImageDraw.ImageDraw, statuses: Sequence[str], x: int, y: int,
            width: int) -> int:
    """Draw a legend of `statuses` from (x, y), wrapping; returns the y below it."""
    face = font(_s(11))
    box = _s(10)
    cx, cy = x, y
    for status in statuses:
        label = STATUS_LABELS[status]
        item = box + _s(4) + int(draw.textlength(label, font=face)) + _s(12)
        if cx + item > x + width and cx > x:
            cx, cy = x, cy + _s(17)
        draw.rectangle([cx, cy + _s(2), cx + box, cy + _s(2) + box], fill=STATUS_COLORS[status])
        draw.text((cx + box + _s(4), cy), label, font=face, fill=INK)
        cx += item
    return cy + _s(22)


def status_bars(title: str, rows: Sequence[tuple[str, dict[str, int]]]) -> bytes:
    """A stacked horizontal bar per row (label, {status: count}), all on one scale."""
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_width = _s(190)
    bar_left = _s(8) + label_width + _s(8)
    bar_width = _s(WIDTH) - bar_left - _s(16)
    row_height = _s(32)
    statuses = [s for s in STATUS_ORDER if any(counts.get(s) for _, counts in rows)]
    # Lay out the legend once to know its height.
    legend_probe = Image.new("RGB", (_s(WIDTH), _s(200)))
    legend_bottom = _legend(ImageDraw.Draw(legend_probe), statuses, _s(8), _s(30),
                            _s(WIDTH) - _s(16))
    top = legend_bottom + _s(6)
    height = top + row_height * max(len(rows), 1) + _s(34)
    image = Image.new("RGB", (_s(WIDTH), height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((_s(8), _s(6)), title, font=font(_s(13), bold=True), fill=INK)
    _legend(draw, statuses, _s(8), _s(30), _s(WIDTH) - _s(16))
    most = max((sum(c.values()) for _, c in rows), default=0) or 1
    step = _nice_step(most)
    # Grid lines and their numbers.
    axis_face = font(_s(10))
    bottom = top + row_height * len(rows)
    tick = 0
    while tick <= most:
        x = bar_left + int(bar_width * tick / most)
        draw.line([x, top - _s(4), x, bottom], fill=GRID, width=_s(1))
        text = str(tick)
        draw.text((x - draw.textlength(text, font=axis_face) / 2, bottom + _s(6)), text,
                  font=axis_face, fill="#566573")
        tick += step
    label_face = font(_s(11))
    count_face = font(_s(10), bold=True)
    for index, (label, counts) in enumerate(rows):
        y = top + index * row_height
        lines = _wrap(probe, label, label_face, label_width, 2)
        line_height = _s(14)
        text_top = y + (row_height - line_height * len(lines)) / 2 - _s(1)
        for n, line in enumerate(lines):
            draw.text((_s(8), text_top + n * line_height), line, font=label_face, fill=INK)
        x = bar_left
        bar_top, bar_bottom = y + _s(6), y + row_height - _s(6)
        for status in statuses:
            count = counts.get(status, 0)
            if not count:
                continue
            width = bar_width * count / most
            draw.rectangle([x, bar_top, x + width, bar_bottom], fill=STATUS_COLORS[status])
            text = str(count)
            text_width = draw.textlength(text, font=count_face)
            if text_width + _s(6) <= width:
                colour = INK if status in DARK_TEXT_ON else "white"
                draw.text((x + (width - text_width) / 2, bar_top + _s(4)), text,
                          font=count_face, fill=colour)
            x += width
    return _png(image)


def progress_bars(title: str, rows: Sequence[tuple[str, float | None]]) -> bytes:
    """A bar per target: its current value as a share of its goal (100% marked)."""
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_width = _s(260)
    bar_left = _s(8) + label_width + _s(8)
    bar_width = _s(WIDTH) - bar_left - _s(50)
    row_height = _s(34)
    top = _s(44)
    height = top + row_height * max(len(rows), 1) + _s(16)
    image = Image.new("RGB", (_s(WIDTH), height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((_s(8), _s(6)), title, font=font(_s(13), bold=True), fill=INK)
    label_face = font(_s(11))
    value_face = font(_s(11), bold=True)
    scale = max([1.0, *[min(v, 2.0) for _, v in rows if v is not None]])
    goal_x = bar_left + bar_width / scale
    for index, (label, share) in enumerate(rows):
        y = top + index * row_height
        lines = _wrap(probe, label, label_face, label_width, 2)
        line_height = _s(14)
        text_top = y + (row_height - line_height * len(lines)) / 2 - _s(1)
        for n, line in enumerate(lines):
            draw.text((_s(8), text_top + n * line_height), line, font=label_face, fill=INK)
        bar_top, bar_bottom = y + _s(8), y + row_height - _s(8)
        draw.rectangle([bar_left, bar_top, bar_left + bar_width, bar_bottom], fill="#F2F3F4")
        if share is None:
            draw.text((bar_left + _s(6), bar_top + _s(3)), "chưa có số liệu",
                      font=label_face, fill="#7B7D7D")
            continue
        shown = min(share, scale)
        colour = STATUS_COLORS[engine.DONE] if share >= 1 else STATUS_COLORS[engine.IN_PROGRESS]
        draw.rectangle([bar_left, bar_top, bar_left + bar_width * shown / scale, bar_bottom],
                       fill=colour)
        text = f"{share * 100:.0f}%"
        draw.text((bar_left + bar_width + _s(8), bar_top + _s(2)), text, font=value_face,
                  fill=INK)
    draw.line([goal_x, top - _s(4), goal_x, top + row_height * len(rows)], fill=INK,
              width=_s(1))
    goal_face = font(_s(10))
    draw.text((goal_x - draw.textlength("100%", font=goal_face) / 2, top - _s(16)), "100%",
              font=goal_face, fill=INK)
    return _png(image)


def _nice_step(most: int) -> int:
    """A round step for about five grid lines up to `most`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if most / step <= 6:
            return step
    return max(1, most // 5)


def image_size(png: bytes) -> tuple[int, int]:
    """The pixel size of a PNG."""
    with Image.open(BytesIO(png)) as image:
        return image.size
