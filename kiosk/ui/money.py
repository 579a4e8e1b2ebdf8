"""Prices as the shopper's language writes them, in the catalog's currency.

Catalog prices are integer minor units (cents). The currency is configured (`display.currency`,
an ISO 4217 code), never assumed: 1250 cents of EUR read "€12.50" in English, "12,50 €" in
German and "€12.50" in Chinese; of USD "$12.50", "12,50 $", "US$12.50"; of CNY "CN¥12.50",
"12,50 CN¥", "¥12.50". Qt's locale data (CLDR) does the formatting.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLocale

# The symbol a shopper expects for common currencies; others show their ISO code.
SYMBOLS = {
    "EUR": "€",
    "USD": "$",
    "GBP": "£",
    "CHF": "CHF",
    "JPY": "¥",
    "CNY": "¥",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
    "PLN": "zł",
    "CZK": "Kč",
    "CAD": "CA$",
    "AUD": "A$",
}
NO_DECIMALS = frozenset({"JPY", "KRW", "ISK"})  # shown without minor units


def locale_for(language: str) -> QLocale:
    """The QLocale of a kiosk language ("en", "de", "zh_CN")."""
    return QLocale(language)


def currency_symbol(currency: str, language: str) -> str:
    """The symbol of `currency` for shoppers reading `language`: the yuan is "¥" to Chinese
    readers and "CN¥" to others (who read "¥" as yen); the dollar is "US$" to Chinese readers."""
    if currency == "CNY" and language != "zh_CN":
        return "CN¥"
    if currency == "USD" and language == "zh_CN":
        return "US$"
    return SYMBOLS.get(currency, currency)


def format_price(cents: int, currency: str, language: str) -> str:
    """`cents` minor units of `currency`, written for `language` (e.g. 1250 -> "12,50 €")."""
    locale = locale_for(language)
    digits = 0 if currency in NO_DECIMALS else 2
    amount = cents / 100.0
    return locale.toCurrencyString(amount, currency_symbol(currency, language), digits)


@dataclass(frozen=True, slots=True)
class Money:
    """How prices are written on this kiosk: the catalog's currency in the shopper's language."""

    currency: str = "EUR"
    language: str = "en"

    def text(self, cents: int) -> str:
        """`cents` as the shopper reads it."""
        return format_price(cents, self.currency, self.language)
