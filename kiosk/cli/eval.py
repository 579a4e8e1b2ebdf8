"""`kiosk eval pairs` and `kiosk eval labels`: accuracy on the user's own labelled photos."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, err, progress, with_threads
from kiosk.commands.eval import TASKS, THRESHOLD_CHOICES, eval_labels, eval_pairs
from kiosk.config import KioskConfig
from kiosk.vision.evaluate import LabelsReport, PairsReport


def register(nouns: Subparsers) -> None:
    """Add `kiosk eval pairs` and `kiosk eval labels`."""
    cmd = nouns.add_parser(
        "eval",
        help="measure accuracy on labelled photos",
        description="Accuracy of the kiosk's models on your own labelled data.",
    )
    verbs = cmd.add_subparsers(title="evaluations", metavar="VERB", required=True)
    pairs = verbs.add_parser(
        "pairs",
        help="face verification on same/different pairs (ROC AUC, TAR at FAR)",
        description="CSV columns img_a,img_b,same (paths relative to --root, same is 1 or 0). "
        "Prints ROC AUC, accuracy at the best and at the configured threshold, TAR at FAR 1%% "
        "and 0.1%%, pairs with no face, median ms per embedding.",
    )
    pairs.add_argument("--pairs", type=Path, required=True, metavar="FILE.csv")
    pairs.add_argument("--root", type=Path, required=True, metavar="DIR")
    pairs.add_argument(
        "--threshold", type=float, help="distance threshold to report (default: the configured one)"
    )
    pairs.add_argument("--png", type=Path, metavar="OUT", help="write the ROC curve")
    pairs.add_argument(
        "--write-threshold",
        choices=THRESHOLD_CHOICES,
        help="store this threshold as [pipeline] max_distance in kiosk.toml",
    )
    add_json(pairs)
    pairs.add_argument("--threads", type=int, help="onnxruntime threads per model")
    pairs.set_defaults(handler=_cmd_pairs)

    labels = verbs.add_parser(
        "labels",
        help="emotion, mask or identity accuracy on a folder-per-label tree",
        description="DIR/<label>/<images>. emotion/mask: accuracy, balanced accuracy, confusion "
        "matrix; identity: rank-1 identification, each image left out of a gallery of the rest.",
    )
    labels.add_argument("--task", choices=TASKS, required=True)
    labels.add_argument("--root", type=Path, required=True, metavar="DIR")
    labels.add_argument("--png", type=Path, metavar="OUT", help="write the confusion matrix")
    add_json(labels)
    labels.add_argument("--threads", type=int, help="onnxruntime threads per model")
    labels.set_defaults(handler=_cmd_labels)


def _cmd_pairs(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    with progress() as bar:
        outcome = eval_pairs(
            with_threads(config, args.threads),
            args.pairs,
            args.root,
            threshold=args.threshold,
            write_threshold=args.write_threshold,
            progress=bar,
        )
    report = outcome.report
    if args.png:
        from kiosk.charts.vision import roc_png  # matplotlib only when asked

        roc_png(report, args.png)
    if outcome.written is not None:
        err.print(
            f"wrote [pipeline] max_distance = {outcome.written.value:.4f} to {outcome.written.path}"
        )
    if args.json:
        print(json.dumps(dataclasses.asdict(report), allow_nan=False))
    else:
        _print_pairs(report, console, args.png)
    return 0


def _print_pairs(report: PairsReport, console: Console, png: Path | None) -> None:
    table = Table("measure", "value", title=f"Face verification: {report.pairs_csv}")
    table.add_row(
        "pairs evaluated",
        f"{report.pairs_evaluated} of {report.pairs_total} "
        f"({report.genuine_pairs} same, {report.impostor_pairs} different)",
    )
    table.add_row("pairs with no face found", str(report.pairs_no_face))
    table.add_row("ROC AUC", f"{report.roc_auc:.4f}")
    table.add_row(
        "accuracy at best threshold",
        f"{report.best.accuracy:.4f} (distance <= {report.best.threshold:.3f})",
    )
    table.add_row(
        "accuracy at configured threshold",
        f"{report.accuracy_at_threshold:.4f} (distance <= {report.threshold:.3f})",
    )
    for t in report.tar_at_far:
        table.add_row(
            f"TAR at FAR {t.far_target:.1%}",
            f"{t.tar:.4f} (threshold {t.threshold:.3f}, FAR reached {t.far:.4f})",
        )
    table.add_row("median ms per embedding", f"{report.median_ms_per_embedding:.1f}")
    console.print(table)
    if report.images_no_face:
        console.print(f"no face found in: {', '.join(report.images_no_face)}")
    if png:
        console.print(f"ROC curve: {png}")


def _cmd_labels(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    with progress() as bar:
        report = eval_labels(with_threads(config, args.threads), args.task, args.root, bar)
    if args.png:
        from kiosk.charts.vision import confusion_png  # matplotlib only when asked

        confusion_png(report.confusion.labels, report.confusion.counts, args.png)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), allow_nan=False))
    else:
        _print_labels(report, console, args.png)
    return 0


def _print_labels(report: LabelsReport, console: Console, png: Path | None) -> None:
    console.print(
        f"[bold]{report.task}[/] on {report.root}: {report.images_evaluated} of "
        f"{report.images_total} images evaluated, no face in "
        f"{len(report.images_no_face)}"
    )
    name = "rank-1 identification" if report.task == "identity" else "accuracy"
    console.print(
        f"{name} {report.accuracy:.4f}; balanced accuracy "
        f"{report.balanced_accuracy:.4f}; median {report.median_ms_per_image:.1f} ms/image"
    )
    if report.task == "identity" and report.threshold is not None:
        console.print(
            f"nearest person beyond the threshold {report.threshold:.3f} "
            f"(would be 'unknown'): {report.beyond_threshold}"
        )
    labels = report.confusion.labels
    table = Table("true \\ predicted", *labels, title="Confusion matrix")
    for label, row in zip(labels, report.confusion.counts, strict=True):
        table.add_row(label, *(str(c) for c in row))
    if len(labels) <= 12:
        console.print(table)
    for path in report.images_no_face:
        console.print(f"no face: {path}")
    if png:
        console.print(f"confusion matrix: {png}")
