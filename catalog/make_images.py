"""Render the demo catalog's product cards: catalog/images/<sku>.png (flat drawings, no photos).

Run from the repository root with the kiosk's environment:

    .venv/bin/python catalog/make_images.py

Each card is a flat illustration of the product drawn with Pillow primitives, on a pastel
background of its category, with the product name underneath. Drawn at 2x and downsampled, so
edges are smooth. Deterministic: the same catalog gives the same PNG files.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
SIZE = 400
S = 2  # supersampling
Box = tuple[float, float, float, float]
Draw = ImageDraw.ImageDraw

BACKGROUND = {
    "snacks": "#FDEBD3",
    "drinks": "#DDF0FA",
    "beauty": "#FBE3EC",
    "toys": "#FFF4C7",
    "books": "#E8E4F7",
    "electronics": "#E3E8EE",
    "apparel": "#E1F3E6",
    "wellness": "#E6F4EE",
}
INK = "#2F3640"


def _r(d: Draw, box: Box, fill: str, radius: float = 0, outline: str | None = None) -> None:
    d.rounded_rectangle(
        [v * S for v in box], radius=radius * S, fill=fill, outline=outline, width=3 * S
    )


def _e(d: Draw, box: Box, fill: str) -> None:
    d.ellipse([v * S for v in box], fill=fill)


def _p(d: Draw, points: list[tuple[float, float]], fill: str) -> None:
    d.polygon([(x * S, y * S) for x, y in points], fill=fill)


def _l(d: Draw, points: list[tuple[float, float]], fill: str, width: float) -> None:
    d.line([(x * S, y * S) for x, y in points], fill=fill, width=int(width * S), joint="curve")


def bag(d: Draw, main: str, accent: str) -> None:
    """A snack bag with crimped top and bottom and a round label."""
    _p(d, [(130, 70), (270, 70), (285, 250), (115, 250)], main)
    for x in range(130, 270, 14):
        _p(d, [(x, 70), (x + 7, 58), (x + 14, 70)], main)
    for x in range(115, 285, 17):
        _p(d, [(x, 250), (x + 8.5, 262), (x + 17, 250)], main)
    _e(d, (160, 120, 240, 200), accent)
    _e(d, (180, 140, 220, 180), "#FFFFFF")


def bar(d: Draw, main: str, accent: str) -> None:
    """A chocolate bar, wrapper half open."""
    _r(d, (120, 80, 280, 250), main, 10)
    for row in range(3):
        for col in range(2):
            _r(d, (132 + col * 70, 92 + row * 36, 192 + col * 70, 122 + row * 36), accent, 5)
    _r(d, (112, 170, 288, 262), "#C0392B", 8)
    _r(d, (150, 200, 250, 232), "#F5D76E", 6)


def cookies(d: Draw, main: str, accent: str) -> None:
    """Three stacked cookies with chips."""
    for i, y in enumerate((200, 160, 120)):
        _e(d, (120 + i * 6, y - 40, 280 - i * 6, y + 40), main)
        for dx, dy in ((-40, -12), (10, -20), (35, 10), (-15, 15)):
            _e(d, (200 + dx - 7, y + dy - 7, 200 + dx + 7, y + dy + 7), accent)


def jar(d: Draw, main: str, accent: str) -> None:
    """A wide jar with a lid and label."""
    _r(d, (135, 95, 265, 255), main, 30)
    _r(d, (145, 65, 255, 100), accent, 8)
    _r(d, (150, 150, 250, 210), "#FFFFFF", 8)
    _e(d, (185, 165, 215, 195), accent)


def bottle(d: Draw, main: str, accent: str) -> None:
    """A drinks bottle with a cap and label."""
    _r(d, (175, 50, 225, 75), accent, 5)
    _p(d, [(180, 75), (220, 75), (245, 120), (155, 120)], main)
    _r(d, (155, 110, 245, 265), main, 22)
    _r(d, (155, 160, 245, 215), "#FFFFFF")
    _r(d, (172, 175, 228, 200), accent, 6)


def can(d: Draw, main: str, accent: str) -> None:
    """A drinks can with a wave."""
    _r(d, (150, 70, 250, 265), main, 18)
    _r(d, (160, 62, 240, 78), "#B8C2CC", 6)
    _p(d, [(150, 170), (200, 150), (250, 170), (250, 205), (200, 185), (150, 205)], accent)


def carton(d: Draw, main: str, accent: str) -> None:
    """A juice carton with a fruit."""
    _p(d, [(145, 95), (200, 60), (255, 95)], accent)
    _r(d, (145, 95, 255, 265), main)
    _e(d, (170, 140, 230, 200), accent)
    _r(d, (195, 128, 205, 145), "#3E8E41")


def box(d: Draw, main: str, accent: str) -> None:
    """A tea box with a leaf."""
    _r(d, (120, 100, 280, 255), main, 8)
    _p(d, [(120, 100), (150, 75), (310, 75), (280, 100)], accent)
    _p(d, [(280, 100), (310, 75), (310, 230), (280, 255)], accent)
    _e(d, (165, 140, 235, 215), "#FFFFFF")
    _p(d, [(200, 150), (225, 180), (200, 205), (175, 180)], "#4CAF50")


def tube(d: Draw, main: str, accent: str) -> None:
    """A cosmetic tube standing on its cap."""
    _p(d, [(160, 60), (240, 60), (230, 215), (170, 215)], main)
    _r(d, (165, 215, 235, 265), accent, 8)
    _r(d, (180, 110, 220, 170), "#FFFFFF", 6)


def pump(d: Draw, main: str, accent: str) -> None:
    """A soap bottle with a pump."""
    _r(d, (190, 55, 210, 100), accent, 4)
    _r(d, (190, 55, 240, 70), accent, 4)
    _r(d, (175, 95, 225, 115), accent, 4)
    _r(d, (150, 110, 250, 265), main, 26)
    _e(d, (175, 160, 225, 210), "#FFFFFF")


def polish(d: Draw, main: str, accent: str) -> None:
    """A nail polish bottle."""
    _r(d, (180, 55, 220, 150), INK, 8)
    _r(d, (145, 140, 255, 265), main, 28)
    _e(d, (165, 160, 195, 190), "#FFFFFF")


def blocks(d: Draw, main: str, accent: str) -> None:
    """Stacked building blocks with studs."""
    for x, y, c in ((120, 180, main), (200, 180, accent), (160, 110, "#3498DB")):
        _r(d, (x, y, x + 80, y + 70), c, 6)
        for k in range(2):
            _r(d, (x + 12 + k * 34, y - 14, x + 34 + k * 34, y + 2), c, 4)


def bear(d: Draw, main: str, accent: str) -> None:
    """A plush bear face."""
    for x in (125, 235):
        _e(d, (x, 60, x + 50, 110), main)
        _e(d, (x + 12, 72, x + 38, 98), accent)
    _e(d, (130, 75, 270, 215), main)
    _e(d, (170, 140, 230, 195), accent)
    _e(d, (165, 115, 181, 131), INK)
    _e(d, (219, 115, 235, 131), INK)
    _e(d, (190, 148, 210, 163), INK)
    _e(d, (140, 200, 260, 270), main)


def yoyo(d: Draw, main: str, accent: str) -> None:
    """A yo-yo on its string."""
    _l(d, [(200, 40), (200, 110)], INK, 3)
    _e(d, (120, 110, 280, 270), main)
    _e(d, (155, 145, 245, 235), accent)
    _e(d, (188, 178, 212, 202), INK)


def puzzle(d: Draw, main: str, accent: str) -> None:
    """Four jigsaw pieces."""
    colours = (main, accent, "#5DADE2", "#58D68D")
    for k, (x, y) in enumerate(((125, 85), (205, 85), (125, 165), (205, 165))):
        _r(d, (x, y, x + 72, y + 72), colours[k], 6)
    _e(d, (185, 108, 217, 140), main)
    _e(d, (148, 145, 180, 177), accent)
    _e(d, (225, 145, 257, 177), "#5DADE2")


def ball(d: Draw, main: str, accent: str) -> None:
    """A bouncy ball with a stripe and a shadow."""
    _e(d, (140, 245, 260, 265), "#00000022")
    _e(d, (125, 80, 275, 230), main)
    _p(d, [(130, 130), (270, 120), (272, 160), (128, 170)], accent)
    _e(d, (160, 100, 190, 125), "#FFFFFF")


def book(d: Draw, main: str, accent: str) -> None:
    """A book with a spine and a cover emblem."""
    _r(d, (130, 60, 275, 265), "#FFFFFF", 6)
    _r(d, (125, 55, 265, 260), main, 6)
    _r(d, (125, 55, 145, 260), accent, 4)
    _e(d, (170, 110, 240, 180), accent)
    _r(d, (165, 205, 245, 215), "#FFFFFF", 4)


def earbuds(d: Draw, main: str, accent: str) -> None:
    """A charging case with two earbuds."""
    _r(d, (120, 150, 280, 250), main, 40)
    _l(d, [(125, 185), (275, 185)], accent, 3)
    for x in (150, 215):
        _e(d, (x, 70, x + 40, 110), main)
        _r(d, (x + 12, 100, x + 28, 150), main, 8)
    _e(d, (192, 210, 208, 226), accent)


def powerbank(d: Draw, main: str, accent: str) -> None:
    """A power bank with charge lights."""
    _r(d, (135, 60, 265, 265), main, 20)
    for k in range(4):
        _e(d, (160 + k * 22, 90, 174 + k * 22, 104), accent if k < 3 else "#7F8C8D")
    _p(d, [(205, 140), (175, 195), (200, 195), (190, 235), (225, 175), (200, 175)], accent)


def cable(d: Draw, main: str, accent: str) -> None:
    """A coiled cable with plugs."""
    _l(d, [(120, 90), (150, 140), (250, 120), (270, 180), (150, 200), (140, 250)], main, 12)
    _r(d, (100, 60, 140, 100), accent, 6)
    _r(d, (125, 245, 160, 285), accent, 6)


def lamp(d: Draw, main: str, accent: str) -> None:
    """A desk lamp with its light cone."""
    _p(d, [(230, 120), (300, 260), (160, 260)], "#FFF3B0")
    _r(d, (120, 250, 220, 265), main, 6)
    _l(d, [(170, 255), (150, 160), (225, 95)], main, 10)
    _p(d, [(205, 70), (265, 100), (240, 140), (195, 105)], accent)


def watch(d: Draw, main: str, accent: str) -> None:
    """A smart watch with a heart-rate line."""
    _r(d, (170, 40, 230, 270), main, 16)
    _r(d, (140, 100, 260, 215), INK, 28)
    _r(d, (152, 112, 248, 203), accent, 20)
    _l(d, [(160, 160), (185, 160), (195, 135), (210, 185), (220, 160), (240, 160)], "#FFFFFF", 4)


def tshirt(d: Draw, main: str, accent: str) -> None:
    """A t-shirt."""
    _p(
        d,
        [
            (150, 70),
            (250, 70),
            (300, 115),
            (270, 150),
            (250, 135),
            (250, 265),
            (150, 265),
            (150, 135),
            (130, 150),
            (100, 115),
        ],
        main,
    )
    _e(d, (180, 58, 220, 90), BACKGROUND["apparel"])
    _r(d, (170, 150, 230, 165), accent, 6)


def beanie(d: Draw, main: str, accent: str) -> None:
    """A knitted beanie with a bobble."""
    _e(d, (175, 50, 225, 100), accent)
    _e(d, (125, 80, 275, 250), main)
    _r(d, (115, 190, 285, 245), accent, 12)
    for x in range(135, 280, 20):
        _l(d, [(x, 195), (x, 240)], main, 4)


def socks(d: Draw, main: str, accent: str) -> None:
    """A pair of striped socks."""
    for dx, c in ((0, main), (60, accent)):
        _p(
            d,
            [
                (130 + dx, 60),
                (180 + dx, 60),
                (180 + dx, 200),
                (150 + dx, 250),
                (105 + dx, 250),
                (105 + dx, 215),
                (130 + dx, 200),
            ],
            c,
        )
        for y in (85, 125, 165):
            _r(d, (130 + dx, y, 180 + dx, y + 14), "#FFFFFF")


def jacket(d: Draw, main: str, accent: str) -> None:
    """A rain jacket with a hood and zip."""
    _e(d, (160, 45, 240, 115), main)
    _p(d, [(150, 85), (250, 85), (300, 150), (280, 265), (120, 265), (100, 150)], main)
    _l(d, [(200, 100), (200, 262)], accent, 5)
    _r(d, (135, 190, 170, 205), accent, 4)
    _r(d, (230, 190, 265, 205), accent, 4)


def tote(d: Draw, main: str, accent: str) -> None:
    """A canvas tote bag."""
    _l(d, [(160, 120), (165, 65), (235, 65), (240, 120)], accent, 10)
    _p(d, [(125, 115), (275, 115), (285, 265), (115, 265)], main)
    _e(d, (175, 160, 225, 210), accent)


def candle(d: Draw, main: str, accent: str) -> None:
    """A candle in a glass with a flame."""
    _p(d, [(200, 50), (215, 80), (200, 100), (185, 80)], "#F39C12")
    _l(d, [(200, 100), (200, 118)], INK, 3)
    _r(d, (140, 115, 260, 265), main, 14)
    _r(d, (140, 170, 260, 215), accent)


def mat(d: Draw, main: str, accent: str) -> None:
    """A rolled yoga mat with a strap."""
    _r(d, (100, 130, 300, 220), main, 45)
    _e(d, (255, 130, 305, 220), accent)
    _e(d, (270, 155, 290, 195), main)
    _r(d, (170, 125, 185, 225), INK, 4)


def tablets(d: Draw, main: str, accent: str) -> None:
    """A tablet tube with two tablets."""
    _r(d, (170, 55, 230, 90), accent, 6)
    _r(d, (160, 85, 240, 265), main, 14)
    _r(d, (160, 140, 240, 200), "#FFFFFF")
    _e(d, (250, 220, 290, 260), accent)
    _e(d, (110, 220, 150, 260), accent)


STYLE: dict[str, tuple[Callable[[Draw, str, str], None], str, str]] = {
    "SNK-001": (bag, "#3A7BD5", "#F7C948"),
    "SNK-002": (bar, "#6D3B1F", "#8B5A2B"),
    "SNK-003": (cookies, "#D9A066", "#5B3A1E"),
    "SNK-004": (jar, "#C8864C", "#7A4E2D"),
    "SNK-005": (bag, "#E84393", "#FDCB6E"),
    "DRK-001": (bottle, "#74B9FF", "#0984E3"),
    "DRK-002": (can, "#2D3436", "#B08968"),
    "DRK-003": (carton, "#FFFFFF", "#F39C12"),
    "DRK-004": (box, "#27AE60", "#1E8449"),
    "DRK-005": (can, "#F1C40F", "#27AE60"),
    "BTY-001": (tube, "#E56B8A", "#B83B5E"),
    "BTY-002": (jar, "#F8C9D4", "#E56B8A"),
    "BTY-003": (pump, "#A29BFE", "#6C5CE7"),
    "BTY-004": (polish, "#FF7F50", "#FF7F50"),
    "BTY-005": (tube, "#FDCB6E", "#E17055"),
    "TOY-001": (blocks, "#E74C3C", "#F1C40F"),
    "TOY-002": (bear, "#C68642", "#F3D2B3"),
    "TOY-003": (yoyo, "#E74C3C", "#F5B041"),
    "TOY-004": (puzzle, "#E67E22", "#9B59B6"),
    "TOY-005": (ball, "#00B894", "#FDCB6E"),
    "BOK-001": (book, "#27AE60", "#F1C40F"),
    "BOK-002": (book, "#2C3E50", "#C0392B"),
    "BOK-003": (book, "#1B2631", "#F4D03F"),
    "BOK-004": (book, "#AF7AC5", "#F5EEF8"),
    "BOK-005": (book, "#E67E22", "#FFFFFF"),
    "ELC-001": (earbuds, "#F4F6F7", "#95A5A6"),
    "ELC-002": (powerbank, "#34495E", "#2ECC71"),
    "ELC-003": (cable, "#5D6D7E", "#AAB7B8"),
    "ELC-004": (lamp, "#566573", "#F5B041"),
    "ELC-005": (watch, "#2C3E50", "#16A085"),
    "APP-001": (tshirt, "#5DADE2", "#FFFFFF"),
    "APP-002": (beanie, "#C0392B", "#F5B7B1"),
    "APP-003": (socks, "#F39C12", "#8E44AD"),
    "APP-004": (jacket, "#F4D03F", "#2C3E50"),
    "APP-005": (tote, "#E8DCC2", "#27AE60"),
    "WEL-001": (candle, "#FDFEFE", "#A3E4D7"),
    "WEL-002": (box, "#A9CCE3", "#7FB3D5"),
    "WEL-003": (mat, "#76D7C4", "#48C9B0"),
    "WEL-004": (jar, "#D6EAF8", "#5DADE2"),
    "WEL-005": (tablets, "#F5B041", "#E67E22"),
}


def render_card(
    name: str, category: str, drawer: Callable[[Draw, str, str], None], main: str, accent: str
) -> Image.Image:
    """One product card, SIZE x SIZE RGB."""
    image = Image.new("RGB", (SIZE * S, SIZE * S), BACKGROUND.get(category, "#EEEEEE"))
    d = ImageDraw.Draw(image, "RGBA")
    _r(d, (14, 14, SIZE - 14, SIZE - 14), "#FFFFFF", 28)
    _e(d, (80, 40, 320, 280), BACKGROUND.get(category, "#EEEEEE"))
    drawer(d, main, accent)
    font = ImageFont.load_default(size=30 * S)
    small = ImageFont.load_default(size=17 * S)
    d.text((SIZE * S / 2, 318 * S), name, font=font, fill=INK, anchor="mm")
    d.text((SIZE * S / 2, 356 * S), category.upper(), font=small, fill="#7F8C8D", anchor="mm")
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    """Render every product of demo_catalog.csv into images/."""
    out = HERE / "images"
    out.mkdir(exist_ok=True)
    with (HERE / "demo_catalog.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        drawer, main_colour, accent = STYLE[row["sku"]]
        card = render_card(row["name"], row["category"], drawer, main_colour, accent)
        card.save(out / f"{row['sku']}.png", optimize=True)
    print(f"wrote {len(rows)} cards to {out}")


if __name__ == "__main__":
    main()
