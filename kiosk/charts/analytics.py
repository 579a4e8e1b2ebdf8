"""Staff analytics charts: visits per hour, known vs unknown, valence, suggestions per policy."""

from __future__ import annotations

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


def analytics_figure(data: Analytics, width_in: float, height_in: float) -> Figure:
    """Four charts of `data` in a dark theme, on a `width_in` x `height_in` inch figure."""
    figure = new_figure(width_in, height_in)
    figure.set_facecolor(BACKGROUND)
    figure.set_layout_engine("constrained")
    axes = figure.subplots(2, 2, squeeze=False)
    _hours(axes[0][0], data)
    _known(axes[0][1], data)
    _valence(axes[1][0], data)
    _policies(axes[1][1], data)
    return figure


def _style(ax: Axes, title: str) -> None:
    ax.set_facecolor("#10151f")
    ax.set_title(title, color=INK, fontsize=11, loc="left")
    ax.tick_params(colors=MUTED, labelsize=8)
    for spine in ax.spines.values():
        spine.set_color("#232b40")


def _hours(ax: Axes, data: Analytics) -> None:
    hours = [h.hour for h in data.per_hour]
    known = [h.known for h in data.per_hour]
    unknown = [h.unknown for h in data.per_hour]
    ax.bar(hours, known, color=GREEN, label="known")
    ax.bar(hours, unknown, bottom=known, color=BLUE, label="unknown")
    ax.legend(facecolor="#151b2b", labelcolor=INK, fontsize=8)
    _style(ax, "Visits per hour of day")


def _known(ax: Axes, data: Analytics) -> None:
    values = [data.visits_known, data.visits_unknown]
    ax.barh(["known", "unknown"], values, color=[GREEN, BLUE])
    _style(ax, "Known vs unknown visitors")


def _valence(ax: Axes, data: Analytics) -> None:
    names = [v.valence for v in data.valence]
    counts = [v.impressions for v in data.valence]
    colours = [GREEN, MUTED, RED, "#4a5470"][: len(names)]
    ax.bar(names, counts, color=colours)
    _style(ax, "Shopper valence while suggestions were shown")


def _policies(ax: Axes, data: Analytics) -> None:
    names = [p.policy for p in data.per_policy] or ["(none yet)"]
    shown = [p.shown for p in data.per_policy] or [0]
    tapped = [p.tapped for p in data.per_policy] or [0]
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], shown, width=0.4, color=BLUE, label="shown")
    ax.bar([x + 0.2 for x in xs], tapped, width=0.4, color=AMBER, label="tapped")
    ax.set_xticks(list(xs), names)
    ax.legend(facecolor="#151b2b", labelcolor=INK, fontsize=8)
    _style(ax, "Suggestions shown and tapped, per policy")
