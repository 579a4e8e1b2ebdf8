"""The kiosk's small closed vocabularies, as string enums (they compare equal to their values,
so they go into JSON, SQLite and kiosk.toml as plain strings)."""

from __future__ import annotations

from enum import StrEnum


class Valence(StrEnum):
    """How a shopper's (smoothed) emotion reads: the signal suggestions react to."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class RewardKind(StrEnum):
    """What a suggestion on screen earned: an explicit action, or a brightening face."""

    TAP = "tap"
    SCAN = "scan"
    PURCHASE = "purchase"
    VALENCE = "valence"


EXPLICIT_REWARDS = (RewardKind.TAP, RewardKind.SCAN, RewardKind.PURCHASE)


class PolicyName(StrEnum):
    """The suggestion policies (`[recommend] policy` in kiosk.toml)."""

    RANDOM = "random"
    POPULARITY = "popularity"
    RULES = "rules"
    BANDIT = "bandit"
