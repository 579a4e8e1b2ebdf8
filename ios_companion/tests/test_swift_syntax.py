"""No Swift compiler runs on Linux here, but a parser does: every Swift file of the iPad app and of
IFaceCore parses with tree-sitter-swift (a syntax check only: types, isolation and API use are
checked by `swift test` and Xcode on a Mac, see README "What cannot be verified without a Mac")."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter_swift
from tree_sitter import Language, Node, Parser

SWIFT_ROOT = Path(__file__).resolve().parents[1] / "iFace"
FILES = sorted(SWIFT_ROOT.rglob("*.swift"))


def _problems(node: Node, source: bytes) -> list[str]:
    found = []
    if node.type == "ERROR" or node.is_missing:
        line = source.splitlines()[node.start_point[0]].decode("utf-8", "replace").strip()
        kind = "missing token" if node.is_missing else "syntax error"
        found.append(f"line {node.start_point[0] + 1}: {kind}: {line}")
    for child in node.children:
        found.extend(_problems(child, source))
    return found


def test_there_is_swift_to_check() -> None:
    names = {f.name for f in FILES}
    assert {"Package.swift", "Bundle.swift", "KioskModel.swift", "LogicTests.swift"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SWIFT_ROOT)))
def test_swift_file_parses(path: Path) -> None:
    source = path.read_bytes()
    tree = Parser(Language(tree_sitter_swift.language())).parse(source)
    assert not _problems(tree.root_node, source)
