from __future__ import annotations

import numpy as np
import pytest

from kiosk.core.gallery import Gallery, Match
from kiosk.core.identity import TrackVote, VoteSettings


def unit(i: int, dim: int = 128) -> np.ndarray:
    v = np.zeros(dim, np.float32)
    v[i] = 1.0
    return v


@pytest.fixture
def gallery() -> Gallery:
    templates = [unit(0), unit(0) * 0.9, unit(1), unit(2)]
    return Gallery.build(templates, [7, 7, 8, 9], {7: "Ann", 8: "Bob", 9: "Cy"}, "model-x")


def test_nearest_returns_each_person_once_by_their_closest_template(gallery: Gallery) -> None:
    query = unit(0) * 0.95
    matches = gallery.nearest(query, k=3)
    assert [m.person_id for m in matches] == [7, 8, 9]
    assert matches[0].distance == pytest.approx(0.05, abs=1e-6)
    assert matches[1].distance == pytest.approx(np.hypot(0.95, 1.0), abs=1e-6)


def test_nearest_matches_brute_force_on_random_data() -> None:
    rng = np.random.default_rng(3)
    templates = rng.normal(size=(200, 128)).astype(np.float32)
    ids = np.repeat(np.arange(20), 10)
    gallery = Gallery.build(templates, ids, {i: f"p{i}" for i in range(20)}, "m")
    query = rng.normal(size=128).astype(np.float32)
    best = gallery.nearest(query, k=1)[0]
    distances = np.linalg.norm(templates - query, axis=1)
    assert best.person_id == ids[int(np.argmin(distances))]
    assert best.distance == pytest.approx(float(distances.min()), rel=1e-4)


def test_empty_gallery_and_validation() -> None:
    assert Gallery.empty("m").nearest(unit(0)) == ()
    with pytest.raises(ValueError, match="without a name"):
        Gallery.build([unit(0)], [1], {}, "m")
    assert not Gallery.empty("m").templates.flags.writeable


def test_vote_needs_agreement_before_naming() -> None:
    vote = TrackVote(VoteSettings(max_distance=0.6, min_votes=2))
    assert not vote.decide().known
    vote.add(unit(0), Match(7, "Ann", 0.3), weight=1.0)
    assert not vote.decide().known  # one vote is not enough
    vote.add(unit(0), Match(7, "Ann", 0.25), weight=1.0)
    decision = vote.decide()
    assert decision.person_id == 7 and decision.name == "Ann"
    assert decision.distance == pytest.approx(0.25) and decision.votes == 2


def test_far_matches_vote_unknown_and_win_ties() -> None:
    vote = TrackVote(VoteSettings(max_distance=0.6, min_votes=1))
    vote.add(unit(0), Match(7, "Ann", 0.5), weight=1.0)
    vote.add(unit(0), Match(7, "Ann", 0.7), weight=1.0)
    decision = vote.decide()
    assert not decision.known  # tie: unknown wins
    assert decision.distance == pytest.approx(0.5)


def test_quality_weights_decide_between_people() -> None:
    vote = TrackVote(VoteSettings(min_votes=1))
    vote.add(unit(0), Match(7, "Ann", 0.5), weight=0.2)
    vote.add(unit(0), Match(8, "Bob", 0.5), weight=0.9)
    assert vote.decide().person_id == 8


def test_a_very_different_embedding_means_a_different_person() -> None:
    vote = TrackVote(VoteSettings(split_distance=0.75))
    assert not vote.is_different_person(unit(0))
    vote.add(unit(0), None, 1.0)
    assert not vote.is_different_person(unit(0) * 0.8)
    assert vote.is_different_person(unit(1))


def test_templates_given_in_any_order_are_grouped_by_person() -> None:
    rng = np.random.default_rng(5)
    templates = rng.normal(size=(60, 128)).astype(np.float32)
    ids = rng.integers(1, 7, size=60)
    gallery = Gallery.build(templates, ids, {i: f"p{i}" for i in range(1, 7)}, "m")
    query = templates[17] + 0.01
    matches = gallery.nearest(query, k=6)
    assert matches[0].person_id == ids[17]
    expected = sorted(
        (float(np.linalg.norm(templates[ids == p] - query, axis=1).min()), int(p))
        for p in np.unique(ids)
    )
    assert [m.person_id for m in matches] == [p for _, p in expected]
    assert [m.distance for m in matches] == pytest.approx([d for d, _ in expected], rel=1e-4)
