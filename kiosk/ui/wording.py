"""What the shopper reads for the session's plain data: reasons and greetings, translated.

The services describe *why* a product is shown (`ReasonKind`) and *whom* the screen greets
(`GreetingKind`); the words are chosen here, in the screen's language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.recommend.reasons import Reason, ReasonKind
from kiosk.services.shopper_session import Greeting, GreetingKind

translate = QCoreApplication.translate  # lupdate reads the literal arguments of translate()


def reason_text(reason: Reason) -> str:
    """The line under a product saying why it is there."""
    templates = {
        ReasonKind.INTERESTED_BEFORE: translate(
            "Reasons", "Because you were interested in {product}"
        ),
        ReasonKind.SEEN_BEFORE: translate("Reasons", "You were interested in this before"),
        ReasonKind.YOU_LIKE: translate("Reasons", "Because you like {category}"),
        ReasonKind.LIKED_BEFORE: translate("Reasons", "You liked {category} before"),
        ReasonKind.ON_OFFER: translate("Reasons", "On offer"),
        ReasonKind.NEW_THIS_WEEK: translate("Reasons", "New this week"),
        ReasonKind.POPULAR_TODAY: translate("Reasons", "Popular in this store today"),
        ReasonKind.FROM_RANGE: translate("Reasons", "From our {category} range"),
    }
    text = templates[reason.kind]  # replace(), not format(): a stray brace cannot break it
    return text.replace("{product}", reason.subject).replace("{category}", reason.subject)


def greeting_text(greeting: Greeting) -> str:
    """The line above the picks."""
    if greeting.kind is GreetingKind.RETURNING:
        return translate("Greetings", "Welcome back, {name}!").replace("{name}", greeting.name)
    if greeting.kind is GreetingKind.GUEST:
        return translate("Greetings", "Welcome!")
    return translate("Greetings", "Step closer for picks made for you")
