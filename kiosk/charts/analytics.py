"""Staff analytics charts: visits per hour, known vs unknown, mood, suggestions per policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from kiosk.charts import new_figure
from kiosk.store.analytics import Analytics

BACKGROUND = "#0b0f19"
INK, MUTED, GREEN, BLUE, AMBER, RED = (
    "#e6e9f2",
    "#9aa4bf",
    "#3ddc97",
    "#7aa7ff",
    "#ffd166",
    "#ff6b6b",
)


@dataclass(frozen=True, slots=True)
class ChartWords:
    """The charts' titles and labels (the staff screen passes them in its language)."""

    hours: str = "Visits per hour of day"
    known_vs_unknown: str = "Enrolled vs other visitors"
    mood: str = "Shoppers' mood while suggestions were shown"
    policies: str = "Suggestions shown and tapped, by how they were picked"
    known: str = "enrolled"
    unknown: str = "others"
    shown: str = "shown"
    tapped: str = "tapped"
    none_yet: str = "(none yet)"
    names: Mapping[str, str] = field(default_factory=dict)  # mood and policy names, reworded

    def name(self, key: str) -> str:
        """`key` ("bandit", "positive", ...) as the reader's words have it."""
        return self.names.get(key, key)


def analytics_figure(
    data: Analytics, width_in: float, height_in: float, words: ChartWords | None = None
) -> Figure:
    """Four charts of `data` in a dark theme, on a `width_in` x `height_in` inch figure."""
    words = words or ChartWords()
    figure = new_figure(width_in, height_in)
    figure.set_facecolor(BACKGROUND)
    figure.set_layout_engine("constrained")
    axes = figure.subplots(2, 2, squeeze=False)
    _hours(axes[0][0], data, words)
    _known(axes[0][1], data, words)
    _valence(axes[1][0], data, words)
    _policies(axes[1][1], data, words)
    return figure


def _style(ax: Axes, title: str) -> None:
    ax.set_facecolor("#10151f")
    ax.set_title(title, color=INK, fontsize=11, loc="left")
    ax.tick_params(colors=MUTED, labelsize=8)
    for spine in ax.spines.values():
        spine.set_color("#232b40")


def _hours(ax: Axes, data: Analytics, words: ChartWords) -> None:
    hours = [h.hour for h in data.per_hour]
    known = [h.known for h in data.per_hour]
    unknown = [h.unknown for h in data.per_hour]
    ax.bar(hours, known, color=GREEN, label=words.known)
    ax.bar(hours, unknown, bottom=known, color=BLUE, label=words.unknown)
    ax.legend(facecolor="#151b2b", labelcolor=INK, fontsize=8)
    _style(ax, words.hours)


def _known(ax: Axes, data: Analytics, words: ChartWords) -> None:
    values = [data.visits_known, data.visits_unknown]
    ax.barh([words.known, words.unknown], values, color=[GREEN, BLUE])
    _style(ax, words.known_vs_unknown)


def _valence(ax: Axes, data: Analytics, words: ChartWords) -> None:
    names = [words.name(v.valence) for v in data.valence]
    counts = [v.impressions for v in data.valence]
    colours = [GREEN, MUTED, RED, "#4a5470"][: len(names)]
    ax.bar(names, counts, color=colours)
    _style(ax, words.mood)


def _policies(ax: Axes, data: Analytics, words: ChartWords) -> None:
    names = [words.name(p.policy) for p in data.per_policy] or [words.none_yet]
    shown = [p.shown for p in data.per_policy] or [0]
    tapped = [p.tapped for p in data.per_policy] or [0]
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], shown, width=0.4, color=BLUE, label=words.shown)
    ax.bar([x + 0.2 for x in xs], tapped, width=0.4, color=AMBER, label=words.tapped)
    ax.set_xticks(list(xs), names)
    ax.legend(facecolor="#151b2b", labelcolor=INK, fontsize=8)
    _style(ax, words.policies)
