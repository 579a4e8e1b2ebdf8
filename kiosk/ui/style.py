"""The kiosk's look: one dark, high-contrast style sheet readable from a step away."""

from __future__ import annotations

ACCENT = "#3ddc97"

STYLE = f"""
QWidget {{ background: #0b0f19; color: #e6e9f2; font-size: 15px; }}
QLabel#greeting {{ font-size: 30px; font-weight: 700; color: #ffffff; }}
QLabel#subtitle {{ font-size: 16px; color: #9aa4bf; text-transform: uppercase; }}
QFrame#card {{ background: #151b2b; border: 1px solid #232b40; border-radius: 18px; }}
QFrame#card QLabel {{ background: transparent; }}
QLabel#cardName {{ font-size: 19px; font-weight: 700; }}
QLabel#cardPrice {{ font-size: 18px; color: {ACCENT}; font-weight: 700; }}
QLabel#cardReason {{ font-size: 14px; color: #9aa4bf; }}
QPushButton {{ background: #232b40; border: none; border-radius: 12px; padding: 10px 18px; }}
QPushButton:hover {{ background: #2c3652; }}
QPushButton:disabled {{ color: #9aa4bf; }}
QPushButton#interested {{ background: {ACCENT}; color: #0b0f19; font-weight: 700; }}
QPushButton#interested:disabled {{ background: #1e4d3a; color: #cfeee0; }}
QPushButton#staffButton {{ background: transparent; color: #4a5470; font-size: 12px; }}
QLabel#notice {{ color: #9aa4bf; font-size: 13px; }}
QPushButton#privacyButton {{ background: transparent; color: {ACCENT}; font-size: 13px;
               text-decoration: underline; padding: 4px 8px; }}
QTabWidget::pane {{ border: 1px solid #232b40; border-radius: 12px; }}
QTabBar::tab {{ background: #151b2b; padding: 10px 22px; border-top-left-radius: 10px;
               border-top-right-radius: 10px; margin-right: 4px; }}
QTabBar::tab:selected {{ background: #232b40; color: {ACCENT}; }}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox {{ background: #151b2b; border: 1px solid #232b40;
               border-radius: 8px; padding: 6px; }}
QTableWidget, QListWidget {{ background: #10151f; border: 1px solid #232b40; border-radius: 8px;
               gridline-color: #232b40; }}
QHeaderView::section {{ background: #151b2b; color: #9aa4bf; border: none; padding: 6px; }}
QProgressBar {{ background: #151b2b; border-radius: 8px; text-align: center; height: 18px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 8px; }}
QLabel#feedback {{ font-size: 24px; font-weight: 700; color: #ffd166; }}
QLabel#title {{ font-size: 22px; font-weight: 700; }}
"""
