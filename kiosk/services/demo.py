"""Demo mode and scratch kiosks (no Qt).

Demo mode runs the real kiosk on the bundled public-domain clip, demo people and demo catalog,
in its own data directory (`<data dir>/demo`), never mixed with a shop's data. A scratch kiosk
is the same thing in a temporary directory that is deleted afterwards: the self-test and the
benchmarks drive the real `ShopperSession` on it, so they measure the path the kiosk runs.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.errors import InputError
from kiosk.paths import demo_catalog, demo_people_dir, resource_root
from kiosk.services.help_offer import HelpOffer
from kiosk.services.people_import import import_folder
from kiosk.services.shopper_session import ShopperSession
from kiosk.services.showcase import Showcase
from kiosk.services.suggestions import SuggestionService
from kiosk.services.visits import VisitRecorder
from kiosk.store.catalog import Catalog
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people
from kiosk.vision.models import VisionModels

log = logging.getLogger(__name__)


def demo_config(config: KioskConfig) -> KioskConfig:
    """Demo mode keeps its data apart: <data dir>/demo (never mixed with a shop's data).

    The staff PIN and the settings file stay the installation's: the PIN guards the PC (staff
    mode can close the kiosk), and settings changed in demo mode are kept for the next run.
    """
    paths = dataclasses.replace(
        config.paths, data_dir=config.paths.data_dir / "demo", pin_file=config.paths.pin_path
    )
    return dataclasses.replace(config, paths=paths, source_file=config.config_path)


def prepare_demo_data(people: PeopleStore, models: VisionModels) -> None:
    """First demo run: enrol the demo people and import the demo catalog (once)."""
    catalog = Catalog(people.store)
    if not catalog.products(active_only=False):
        report = catalog.import_file(demo_catalog())
        log.info("demo catalog imported: %d products", report.added)
    if not people.list_people():
        consent = Consent(staff="demo set-up", scope="recognition,personalisation", method="import")
        summary = import_folder(people, models, demo_people_dir(), consent)
        log.info("demo people enrolled: %d templates", summary.templates)


def open_shopper_session(
    people: PeopleStore, config: KioskConfig, models: VisionModels, seed: int | None = None
) -> ShopperSession:
    """The shopper session on an open store, as the kiosk runs it (GUI thread only).

    Args:
        people: the open people store (its `store` holds catalog, visits and the learner).
        config: suggestion settings.
        models: for the emotion model's valence weights.
        seed: random seed of the suggestion policy (None: fresh).
    """
    return ShopperSession(
        SuggestionService(people.store, config.recommend, seed=seed),
        VisitRecorder(people.store),
        models.emotion.spec.valence,
        resource_root(),
        showcase=Showcase(people.store),
        help=HelpOffer(config.display.help_after_s),
    )


@dataclass(frozen=True, slots=True)
class ScratchKiosk:
    """A throw-away kiosk: its people store, the gallery as stored, and its shopper session."""

    people: PeopleStore
    gallery: Gallery
    session: ShopperSession


@contextmanager
def scratch_kiosk(
    config: KioskConfig,
    models: VisionModels,
    gallery: Gallery,
    catalog: Path | None = None,
    seed: int | None = 0,
) -> Iterator[ScratchKiosk]:
    """A kiosk on a temporary database (deleted on exit) with a catalog and people.

    The `catalog` (default: the demo catalog) is imported and the people of `gallery`
    enrolled (consent recorded as "scratch"), so identities are the database's person ids.

    Raises:
        InputError: the catalog file has invalid rows.
    """
    catalog = catalog or demo_catalog()
    with tempfile.TemporaryDirectory(prefix="kiosk-scratch-") as tmp:
        paths = dataclasses.replace(config.paths, data_dir=Path(tmp), key_file=Path())
        people = open_people(paths, None)
        try:
            report = Catalog(people.store).import_file(catalog)
            if not report.ok:
                raise InputError(f"{catalog}: {report.errors[0]}")
            stored = _enrol(people, gallery)
            session = open_shopper_session(people, config, models, seed)
            session.on_gallery(stored)
            yield ScratchKiosk(people, stored, session)
        finally:
            people.close()


def _enrol(people: PeopleStore, gallery: Gallery) -> Gallery:
    """Store the gallery's people and return the gallery as the database has it."""
    for person_id, name in gallery.names.items():
        rows = gallery.templates[gallery.person_ids == person_id]
        templates = tuple(NewTemplate(np.asarray(r, np.float32), "import") for r in rows)
        if templates:
            consent = Consent(staff="scratch", method="import")
            people.enrol(EnrolRequest(consent, gallery.model_key, templates, name=name))
    return people.gallery(gallery.model_key, gallery.dim)
