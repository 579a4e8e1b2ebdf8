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


class ObdPolicy(StrEnum):
    """The two logging policies of the Open Bandit Dataset (`kiosk recommend benchmark`)."""

    RANDOM = "random"
    BTS = "bts"


class ObdCampaign(StrEnum):
    """The Open Bandit Dataset's campaigns: the whole shop, men's or women's fashion."""

    ALL = "all"
    MEN = "men"
    WOMEN = "women"


class Estimator(StrEnum):
    """Off-policy estimators: inverse propensity, self-normalised, doubly robust."""

    IPS = "ips"
    SNIPS = "snips"
    DR = "dr"


class ReplayLearner(StrEnum):
    """Learners replayed on the Open Bandit Dataset's random log."""

    LINUCB = "linucb"
    EPSILON_GREEDY = "epsilon-greedy"
