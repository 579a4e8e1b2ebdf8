"""`kiosk eval pairs` and `kiosk eval labels`: accuracy on the user's own labelled photos."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, err, progress, with_threads
from kiosk.commands.eval import TASKS, THRESHOLD_CHOICES, LabelOutputs, eval_labels, eval_pairs
from kiosk.config import KioskConfig
from kiosk.vision.evaluate import LabelsReport
from kiosk.vision.evaluate_pairs import PairsReport


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
    pairs.add_argument("--csv", type=Path, metavar="OUT", help="write one row per pair")
    pairs.add_argument(
        "--strict", action="store_true", help="also score pairs with a missing face as rejected"
    )
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
    labels.add_argument(
        "--split", type=Path, metavar="FILE.csv", help="split manifest (models/validation/splits)"
    )
    labels.add_argument("--half", choices=("tune", "heldout"), help="only this half of --split")
    labels.add_argument("--csv", type=Path, metavar="OUT", help="write one row per image")
    labels.add_argument(
        "--contact-sheet", type=Path, metavar="OUT.png", help="thumbnails of the worst errors"
    )
    labels.add_argument(
        "--strict", action="store_true", help="headline scores count a face not found as wrong"
    )
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
            csv_out=args.csv,
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
        if args.strict:
            _print_strict_pairs(report, console)
    return 0


def _print_strict_pairs(report: PairsReport, console: Console) -> None:
    tars = ", ".join(f"TAR {t.tar:.4f} @ FAR {t.far_target:.1%}" for t in report.strict_tar_at_far)
    console.print(
        f"strict (a pair with a missing face is rejected): ROC AUC "
        f"{report.strict_roc_auc:.4f}; {tars}"
    )


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
        report = eval_labels(
            with_threads(config, args.threads),
            args.task,
            args.root,
            bar,
            outputs=LabelOutputs(args.split, args.half, args.csv, args.contact_sheet),
        )
    if args.png:
        from kiosk.charts.vision import confusion_png  # matplotlib only when asked

        confusion_png(report.confusion.labels, report.confusion.counts, args.png)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), allow_nan=False))
    else:
        _print_labels(report, console, args.png, strict=args.strict)
    return 0


def _print_labels(
    report: LabelsReport, console: Console, png: Path | None, *, strict: bool
) -> None:
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
    print_scores(report, console, strict=strict)
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


def print_scores(report: LabelsReport, console: Console, *, strict: bool) -> None:
    """Found-only and strict scores, all photos then per source (strict first with --strict)."""
    if not report.scores:
        return
    table = Table("photos", "images", "found", "accuracy", "balanced", "recall per label")
    for g in report.scores:
        found_only = (g.accuracy, g.balanced_accuracy)
        hard = (g.strict_accuracy, g.strict_balanced_accuracy)
        first, second = (hard, found_only) if strict else (found_only, hard)
        recall = ", ".join(f"{label} {(s if strict else f):.3f}" for label, f, s in g.recall)
        table.add_row(
            g.group,
            str(g.images),
            str(g.found),
            f"{first[0]:.3f} ({second[0]:.3f})",
            f"{first[1]:.3f} ({second[1]:.3f})",
            recall,
        )
    kind = "strict (found-only)" if strict else "found-only (strict)"
    table.title = f"Scores, {kind}: strict counts a face not found as wrong"
    console.print(table)
    for g in report.scores:
        if g.happy_vs_rest is not None:
            happy, happy_strict = g.happy_vs_rest
            rates = ", ".join(f"{label} {rate:.2f}" for label, rate in g.confused_rate)
            console.print(
                f"{g.group}: happy vs rest balanced {happy:.3f} (strict {happy_strict:.3f}); "
                f"shown as confused: {rates}"
            )
