"""The kiosk's look: one dark, high-contrast style sheet, sized relative to the screen.

Every size is a multiple of a scale factor: 1.0 is a screen whose short side is `BASE_PX`
pixels (a 1280x800 display), so text and touch targets are the same share of the screen at
1280x800, 1920x1080, 4K or on a portrait signage display, and readable from a step or two away.
"""

from __future__ import annotations

from pathlib import Path

ACCENT = "#3ddc97"
BASE_PX = 800.0  # short side of the screen at scale 1.0
CHECK_ICON = (Path(__file__).parent / "icons" / "check.svg").as_posix()


def scale_for(width: int, height: int) -> float:
    """The scale factor of a window `width` x `height` pixels (never below 0.6)."""
    return max(0.6, min(width, height) / BASE_PX)


def style_sheet(scale: float = 1.0) -> str:
    """The style sheet with every size multiplied by `scale` (see `scale_for`)."""

    def px(size: float) -> str:
        return f"{max(1, round(size * scale))}px"

    return f"""
QWidget {{ background: #0b0f19; color: #e6e9f2; font-size: {px(16)}; }}
QLabel#greeting {{ font-size: {px(34)}; font-weight: 700; color: #ffffff; }}
QLabel#subtitle {{ font-size: {px(17)}; color: #9aa4bf; }}
QFrame#card {{ background: #151b2b; border: 1px solid #232b40; border-radius: {px(18)}; }}
QFrame#card QLabel, QFrame#detailPanel QLabel, QFrame#banner QLabel {{ background: transparent; }}
QLabel#cardName {{ font-size: {px(21)}; font-weight: 700; }}
QLabel#cardPrice {{ font-size: {px(21)}; color: {ACCENT}; font-weight: 700; }}
QLabel#wasPrice {{ font-size: {px(16)}; color: #9aa4bf; text-decoration: line-through; }}
QLabel#cardReason {{ font-size: {px(16)}; color: #ffd166; }}
QLabel#cardText {{ font-size: {px(15)}; color: #9aa4bf; }}
QLabel#chip, QFrame#card QLabel#chip, QFrame#detailPanel QLabel#chip {{
               background: #ffd166; color: #0b0f19; font-size: {px(15)}; font-weight: 700;
               border-radius: {px(10)}; padding: {px(3)} {px(10)}; }}
QPushButton {{ background: #232b40; border: none; border-radius: {px(12)};
               padding: {px(12)} {px(20)}; min-height: {px(28)}; }}
QPushButton:hover {{ background: #2c3652; }}
QPushButton:disabled {{ color: #9aa4bf; }}
QPushButton#interested {{ background: {ACCENT}; color: #0b0f19; font-weight: 700; }}
QPushButton#interested:disabled {{ background: #1e4d3a; color: #cfeee0; }}
QPushButton#staffButton {{ background: transparent; color: #5a6480; font-size: {px(13)};
               min-height: 0; }}
QPushButton#staffButton[alerts="true"] {{ color: #ffd166; font-weight: 700; }}
QLabel#notice {{ color: #9aa4bf; font-size: {px(13)}; }}
QPushButton#privacyButton, QPushButton#pauseButton {{ background: transparent; color: {ACCENT};
               font-size: {px(14)}; text-decoration: underline; padding: {px(4)} {px(8)};
               min-height: 0; }}
QLabel#attractName {{ font-size: {px(52)}; font-weight: 800; color: #ffffff; }}
QLabel#attractPrice {{ font-size: {px(44)}; font-weight: 800; color: {ACCENT}; }}
QLabel#attractText {{ font-size: {px(20)}; color: #c3cbe0; }}
QLabel#attractCall {{ font-size: {px(30)}; font-weight: 700; color: #ffffff; }}
QLabel#emptyTitle {{ font-size: {px(36)}; font-weight: 700; color: #ffffff; }}
QLabel#emptyHint {{ font-size: {px(17)}; color: #9aa4bf; }}
QLabel#pauseTitle {{ font-size: {px(44)}; font-weight: 800; color: #ffffff; }}
QLabel#pauseCount {{ font-size: {px(72)}; font-weight: 800; color: {ACCENT}; }}
QFrame#detailBackdrop {{ background: rgba(5, 8, 14, 215); }}
QFrame#detailPanel {{ background: #151b2b; border: 1px solid #2c3652; border-radius: {px(24)}; }}
QLabel#detailName {{ font-size: {px(40)}; font-weight: 800; color: #ffffff; }}
QLabel#detailPrice {{ font-size: {px(34)}; font-weight: 800; color: {ACCENT}; }}
QLabel#detailText {{ font-size: {px(20)}; color: #dfe4f0; }}
QLabel#detailWhere {{ font-size: {px(20)}; color: #ffd166; font-weight: 700; }}
QFrame#banner {{ background: #ffd166; border-radius: {px(18)}; }}
QFrame#banner QLabel {{ color: #0b0f19; font-size: {px(26)}; font-weight: 800; }}
QFrame#banner QPushButton {{ background: #0b0f19; color: #ffd166; font-weight: 700; }}
QTabWidget::pane {{ border: 1px solid #232b40; border-radius: {px(12)}; }}
QTabBar::tab {{ background: #151b2b; padding: {px(12)} {px(24)}; border-top-left-radius: {px(10)};
               border-top-right-radius: {px(10)}; margin-right: {px(4)}; }}
QTabBar::tab:selected {{ background: #232b40; color: {ACCENT}; }}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox {{ background: #151b2b; border: 1px solid #2c3652;
               border-radius: {px(8)}; padding: {px(8)}; min-height: {px(26)}; }}
QTableWidget, QListWidget {{ background: #10151f; border: 1px solid #232b40;
               border-radius: {px(8)}; gridline-color: #232b40; }}
QHeaderView::section {{ background: #151b2b; color: #9aa4bf; border: none; padding: {px(6)}; }}
QCheckBox {{ spacing: {px(10)}; background: transparent; }}
QCheckBox::indicator, QTableWidget::indicator {{ width: {px(24)}; height: {px(24)};
               border: 2px solid #9aa4bf; border-radius: {px(6)}; background: #0b0f19; }}
QCheckBox::indicator:checked, QTableWidget::indicator:checked {{ background: {ACCENT};
               border-color: {ACCENT}; image: url({CHECK_ICON}); }}
QCheckBox::indicator:disabled {{ border-color: #3a4460; }}
QProgressBar {{ background: #151b2b; border-radius: {px(8)}; text-align: center;
               height: {px(18)}; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: {px(8)}; }}
QLabel#feedback {{ font-size: {px(24)}; font-weight: 700; color: #ffd166; }}
QLabel#title {{ font-size: {px(24)}; font-weight: 700; }}
QLabel#help {{ font-size: {px(14)}; color: #9aa4bf; }}
QLabel#settingTitle {{ font-weight: 700; margin-top: {px(10)}; }}
QLabel#error {{ font-size: {px(15)}; color: #ff8a80; }}
QFrame#keyboard {{ background: #10151f; border-top: 1px solid #232b40; }}
QFrame#keyboard QPushButton {{ min-width: {px(40)}; min-height: {px(40)}; padding: {px(6)};
               font-size: {px(20)}; background: #232b40; }}
QFrame#keyboard QPushButton#keyWide {{ background: #2c3652; }}
QFrame#keyboard QPushButton#keyDone {{ background: {ACCENT}; color: #0b0f19; font-weight: 700; }}
"""


STYLE = style_sheet(1.0)
