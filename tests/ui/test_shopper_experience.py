"""The shopper screen as a shopper meets it (offscreen, no models): the attract loop and the
picks, a product's details, the empty states, the screen's size and shape, prices."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import RecommendConfig
from kiosk.core.types import UNKNOWN, FaceBox, FaceResult, FrameResult, StageTimes
from kiosk.paths import demo_catalog, resource_root
from kiosk.recommend.reasons import Reason, ReasonKind
from kiosk.services.shopper_session import (
    GREETING_GUEST,
    Card,
    ScreenMode,
    ScreenUpdate,
    ShopperSession,
)
from kiosk.services.showcase import Showcase
from kiosk.services.suggestions import SuggestionService
from kiosk.services.visits import VisitRecorder
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store
from kiosk.ui.cards import ProductImage
from kiosk.ui.money import Money, format_price
from kiosk.ui.shopper import ShopperScreen
from kiosk.ui.style import style_sheet

EMPTY = FrameResult(0, 0.0, 640, 480, (), StageTimes())


def face_frame(track: int = 1) -> FrameResult:
    box = FaceBox((100, 80, 260, 260), 0.9)
    face = FaceResult(track, box, UNKNOWN, None, None, None, None, None)
    return FrameResult(0, 0.0, 640, 480, (face,), StageTimes())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "k.db") as s:
        yield s


@pytest.fixture
def session(store: Store) -> ShopperSession:
    assert Catalog(store).import_file(demo_catalog()).ok
    return ShopperSession(
        SuggestionService(store, RecommendConfig(min_dwell_ms=60_000), seed=2),
        VisitRecorder(store),
        {},
        resource_root(),
        showcase=Showcase(store),
        confirm_frames=1,  # one fake frame per step here; confirmation: test_shopper_session.py
    )


@pytest.fixture
def screen(qtbot: QtBot) -> ShopperScreen:
    view = ShopperScreen()
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


def feed(view: ShopperScreen, session: ShopperSession, result: FrameResult, t: float) -> None:
    update = session.on_result(result, t)
    if update is not None:
        view.show_update(update)


def test_attract_loop_until_someone_steps_up_and_after_they_leave(
    qtbot: QtBot, screen: ShopperScreen, session: ShopperSession
) -> None:
    screen.show_update(session.attract())
    assert screen.pages.currentWidget() is screen.attract
    first = screen.attract.current
    assert first is not None and screen.attract.name.text() == first.name
    screen.attract.next_product()  # the loop moves on (a timer does it every few seconds)
    assert screen.attract.current != first
    feed(screen, session, face_frame(), 0.0)
    assert screen.mode is ScreenMode.SHOPPER
    assert screen.pages.currentWidget() is screen.shopper_page
    assert all(card.isVisible() for card in screen.panel.cards)
    feed(screen, session, EMPTY, 1.0)  # a moment out of view: still theirs
    assert screen.pages.currentWidget() is screen.shopper_page
    feed(screen, session, EMPTY, 3.5)  # gone: back to the loop
    assert screen.pages.currentWidget() is screen.attract
    qtbot.waitUntil(lambda: not screen._effects[screen.attract].isEnabled(), timeout=2000)


def test_a_tapped_card_opens_its_details_and_interest_reaches_staff(
    qtbot: QtBot, screen: ShopperScreen, session: ShopperSession
) -> None:
    feed(screen, session, face_frame(), 0.0)
    card = screen.panel.cards[0]
    held: list[bool] = []
    screen.sig_detail.connect(held.append)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))  # type: ignore[no-untyped-call]
    detail = screen.detail
    assert detail.isVisible() and detail.card is not None and detail.card.sku == card.sku
    assert detail.name.text() == card.name.text()
    assert detail.where.text().startswith("Find it: ") and detail.where.isVisible()
    assert held == [True]
    with qtbot.waitSignal(screen.sig_interested) as tapped:
        detail.interested.click()
    assert tapped.args == [card.sku]
    assert not detail.interested.isEnabled()
    detail.back.click()
    assert not detail.isVisible() and held == [True, False]


def test_a_shopper_leaving_closes_the_details(
    screen: ShopperScreen, session: ShopperSession
) -> None:
    feed(screen, session, face_frame(), 0.0)
    screen.open_detail(screen.panel.cards[1].sku)
    feed(screen, session, EMPTY, 5.0)
    assert screen.mode is ScreenMode.ATTRACT and not screen.detail.isVisible()


def test_an_empty_catalog_says_so_with_a_hint_for_staff(
    screen: ShopperScreen, store: Store
) -> None:
    session = ShopperSession(
        SuggestionService(store, RecommendConfig()),
        VisitRecorder(store),
        {},
        resource_root(),
        showcase=Showcase(store),
        confirm_frames=1,  # one fake frame per step here; confirmation: test_shopper_session.py
    )
    screen.show_update(session.attract())
    assert screen.attract.stack.currentWidget() is screen.attract.empty
    assert "kiosk catalog import" in screen.attract.empty.hint.text()
    feed(screen, session, face_frame(), 0.0)
    assert screen.panel.empty.isVisible() and "staff" in screen.panel.empty.text()


def test_a_product_without_a_picture_gets_a_drawn_placeholder(qtbot: QtBot) -> None:
    image = ProductImage()
    qtbot.addWidget(image)
    image.resize(120, 120)
    image.set_product("", "Wool Beanie")
    assert not image.has_picture
    pixels = image.grab().toImage()
    colours = {pixels.pixel(x, y) for x in range(0, 120, 6) for y in range(0, 120, 6)}
    assert len(colours) > 2  # a coloured tile with letters, not an empty box
    image.set_product(str(resource_root() / "catalog" / "images" / "APP-002.png"), "Wool Beanie")
    assert image.has_picture


def cards(n: int = 3) -> tuple[Card, ...]:
    reason = Reason(ReasonKind.ON_OFFER)
    return tuple(
        Card(f"S{i}", f"Product {i}", 1250, reason, "", 1500, "Something nice.", "Aisle 3")
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("size", "portrait"),
    [((1280, 800), False), ((1920, 1080), False), ((3840, 2160), False), ((1080, 1920), True)],
)
def test_the_screen_fills_common_displays_with_sizes_relative_to_them(
    qtbot: QtBot, size: tuple[int, int], portrait: bool
) -> None:
    view = ShopperScreen()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    view.show_update(ScreenUpdate(ScreenMode.SHOPPER, GREETING_GUEST, cards()))
    qtbot.waitUntil(view.panel.cards[2].isVisible)
    short = min(size)
    greeting = view.panel.greeting.fontInfo().pixelSize()
    assert 0.035 < greeting / short < 0.06  # the same share of the screen everywhere
    button = view.panel.cards[0].button
    assert button.height() / short > 0.045  # touch targets grow with the screen
    video, cards_area = view.video.geometry(), view.panel.cards_area.geometry()
    if portrait:
        assert video.bottom() < cards_area.top()  # mirror on top, cards stacked below
        tops = [c.geometry().top() for c in view.panel.cards]
        assert tops == sorted(tops) and len(set(tops)) == 3
    else:
        lefts = [c.geometry().left() for c in view.panel.cards]
        assert len(set(lefts)) == 3  # cards side by side under a small mirror
        assert video.width() < size[0] * 0.3
    assert view.width() == size[0] and view.height() == size[1]


def test_the_large_camera_view_puts_the_picture_beside_the_picks(qtbot: QtBot) -> None:
    view = ShopperScreen()
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    view.set_camera_view("large")
    view.show()
    view.show_update(ScreenUpdate(ScreenMode.SHOPPER, GREETING_GUEST, cards()))
    qtbot.waitUntil(view.panel.cards[2].isVisible)
    assert view.video.width() > 1920 * 0.45
    assert view.panel.cards_area.geometry().left() > view.video.geometry().right()


@pytest.mark.parametrize(
    ("cents", "currency", "language", "text"),
    [
        (1250, "EUR", "en", "€12.50"),
        (1250, "EUR", "de", "12,50\u00a0€"),
        (123456, "USD", "en", "$1,234.56"),
        (1250, "CNY", "zh_CN", "¥12.50"),
        (1250, "CNY", "en", "CN¥12.50"),
        (120000, "JPY", "de", "1.200\u00a0¥"),
        (995, "GBP", "de", "9,95\u00a0£"),
    ],
)
def test_prices_follow_the_language_and_the_configured_currency(
    cents: int, currency: str, language: str, text: str
) -> None:
    assert format_price(cents, currency, language) == text


def test_the_card_shows_the_offer_in_the_chosen_currency(qtbot: QtBot) -> None:
    view = ShopperScreen()
    qtbot.addWidget(view)
    view.set_money(Money("CHF", "de"))
    view.show_update(ScreenUpdate(ScreenMode.SHOPPER, GREETING_GUEST, cards(1)))
    card = view.panel.cards[0]
    assert card.price.text() == "12,50\u00a0CHF" and card.was_price.text() == "15,00\u00a0CHF"
    assert "€" not in card.price.text()


def test_unchecked_boxes_are_visible_on_the_dark_theme(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.setStyleSheet(style_sheet(1.0))
    box = QCheckBox("", parent)
    box.resize(40, 40)
    parent.resize(40, 40)
    parent.show()
    image = box.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(40) for y in range(40)}
    assert len(colours - {"#0b0f19"}) > 1  # an outline, not dark on dark
    box.setChecked(True)
    checked = box.grab().toImage()
    assert np.any(
        [checked.pixelColor(x, y).name() == "#3ddc97" for x in range(40) for y in range(40)]
    )
