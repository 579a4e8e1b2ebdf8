"""Write the tuning / held-out split manifests of the validation photo sets (run once).

    python models/validation/make_splits.py --faces DIR

DIR holds `dev-only/emotion_v2`, `dev-only/mask_v2` and `dev-only/identities` (the shared
research-only photo sets; they are never copied into the repository). The manifests list file
names, labels, sources and subjects only. The split is a pure function of those and of SEED
(`kiosk.core.splits.split_halves`), so rerunning this rewrites the same files byte for byte.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from kiosk.core.splits import split_csv, split_halves

SEED = 14
OUT_DIR = Path(__file__).resolve().parent / "splits"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
SOURCES = {
    "Ignautics/NUS_GAN_KDEF": "KDEF",
    "WuJie1010/Facial-Expression-Recognition.Pytorch": "CK+48",
    "farzadips/JAFFE-Facial-and-Emotion-Recognition": "JAFFE",
    "tomledeakin/fer2013-emotion-classification": "FER-2013",
    "andreicozma1/CS522-TeamProject": "FaceMask12K",
}


def subject_of(source: str, source_path: str) -> str:
    """Who is on a photo of a posed set (KDEF, CK+, JAFFE); "" for web photos."""
    name = source_path.rsplit("/", 1)[-1]
    if source == "KDEF":  # AF01SUS.JPG: session A, female 01
        return f"KDEF:{name[1:4]}"
    if source == "CK+48":  # S075_008_00000012.png
        return f"CK:{name.split('_')[0]}"
    if source == "JAFFE":  # KA.FE3.47.tiff
        return f"JAFFE:{name.split('.')[0]}"
    return ""


def provenance_rows(root: Path) -> list[tuple[str, str, str, str]]:
    with (root / "provenance.csv").open(newline="", encoding="utf-8") as handle:
        rows = []
        for row in csv.DictReader(handle):
            source = SOURCES[row["source_repo"]]
            rows.append((row["file"], row["label"], source, subject_of(source, row["source_path"])))
    return rows


def identity_rows(root: Path) -> list[tuple[str, str, str, str]]:
    rows = []
    for person in sorted(p for p in root.iterdir() if p.is_dir()):
        for photo in sorted(person.iterdir()):
            if photo.suffix.lower() in IMAGE_SUFFIXES:
                rel = f"{person.name}/{photo.name}"
                rows.append((rel, person.name, "identities", person.name))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=Path, required=True, help="folder holding dev-only/")
    args = parser.parse_args()
    dev = args.faces / "dev-only"
    OUT_DIR.mkdir(exist_ok=True)
    sets = {
        "emotion_v2": provenance_rows(dev / "emotion_v2"),
        "mask_v2": provenance_rows(dev / "mask_v2"),
        "identities": identity_rows(dev / "identities"),
    }
    for name, rows in sets.items():
        items = split_halves(rows, SEED, by_label=name != "identities")
        (OUT_DIR / f"{name}.csv").write_text(split_csv(items), encoding="utf-8")
        tune = sum(i.half == "tune" for i in items)
        print(f"{name}: {len(items)} photos, {tune} tune, {len(items) - tune} held out")


if __name__ == "__main__":
    main()
