from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reservations.models import Periode, Unite, Validation

from .factories import ActiviteFactory, InscriptionFactory, PeriodeFactory, UniteFactory, ouvrir

PARIS = ZoneInfo("Europe/Paris")
NOVEMBRE = (date(2026, 11, 1), date(2026, 11, 30))


def a_paris(jour: date, heure: time = time(10, 0)) -> datetime:
    return datetime.combine(jour, heure, tzinfo=PARIS)


@pytest.fixture
def lundi_26_octobre():
    """Le lundi 26/10/2026 à 10 h : tout novembre est réservable pour la cantine."""
    with time_machine.travel(a_paris(date(2026, 10, 26)), tick=False) as voyage:
        yield voyage


@pytest.fixture
def le_16_novembre_2026():
    """Le lundi 16/11/2026 à 10 h : le planning et les absences de novembre."""
    with time_machine.travel(a_paris(date(2026, 11, 16)), tick=False) as voyage:
        yield voyage


@pytest.fixture
def jeudi_5_novembre():
    """Le jeudi 05/11/2026 à 10 h : le 02/11 est passé, la cantine est réservable à partir
    du 12/11 (7 jours)."""
    with time_machine.travel(a_paris(date(2026, 11, 5)), tick=False) as voyage:
        yield voyage


@dataclass
class Cantine:
    periode: Periode
    repas: Unite
    jours: list[date]


@pytest.fixture
def cantine(db, famille) -> Cantine:
    """CANTINE : Repas lundi, mardi, jeudi, vendredi ; délai de 7 jours ; validation par
    l'agent ; Lise (famille DUPONT) inscrite."""
    activite = ActiviteFactory.create(nom="CANTINE", type="cantine", validation=Validation.MANUELLE)
    repas = UniteFactory.create(activite=activite, nom="Repas")
    periode = PeriodeFactory.create(activite=activite, nom="CANTINE NOVEMBRE 2026")
    jours = ouvrir(repas, *NOVEMBRE, (0, 1, 3, 4))
    for enfant in famille.enfants.all():
        InscriptionFactory.create(enfant=enfant, activite=activite)
    return Cantine(periode, repas, jours)


@dataclass
class Alsh:
    periode: Periode
    journee: Unite
    matin: Unite
    apres_midi: Unite
    jours: list[date]


@pytest.fixture
def alsh(db, famille, autre_famille) -> Alsh:
    """ALSH MERCREDI : Journée (exclusive avec Matin et Après-midi), capacité 1 pour la
    Journée ; le 11/11/2026 est férié. Lise et Hugo inscrits."""
    activite = ActiviteFactory.create(nom="ALSH MERCREDI", type="alsh")
    journee = UniteFactory.create(activite=activite, nom="Journée", ordre=0, capacite=1)
    matin = UniteFactory.create(activite=activite, nom="Matin", ordre=1, capacite=24)
    apres_midi = UniteFactory.create(activite=activite, nom="Après-midi", ordre=2, capacite=24)
    journee.incompatibles.add(matin, apres_midi)
    periode = PeriodeFactory.create(activite=activite, nom="ALSH MERCREDI NOVEMBRE 2026")
    jours = []
    for unite in (journee, matin, apres_midi):
        jours = ouvrir(unite, *NOVEMBRE, (2,))
    for enfant in [*famille.enfants.all(), *autre_famille.enfants.all()]:
        InscriptionFactory.create(enfant=enfant, activite=activite)
    return Alsh(periode, journee, matin, apres_midi, jours)


@pytest.fixture
def garderie(db, famille):
    """GARDERIE : Matin et Soir, validation automatique, la veille avant 12 h."""
    activite = ActiviteFactory.create(
        nom="GARDERIE",
        type="periscolaire",
        validation=Validation.AUTOMATIQUE,
        delai_ajout_jours=1,
        delai_suppression_jours=1,
        heure_limite=time(12, 0),
    )
    matin = UniteFactory.create(activite=activite, nom="Matin", ordre=0)
    soir = UniteFactory.create(activite=activite, nom="Soir", ordre=1)
    periode = PeriodeFactory.create(activite=activite, nom="GARDERIE NOVEMBRE 2026")
    for unite in (matin, soir):
        ouvrir(unite, *NOVEMBRE, (0, 1, 3, 4))
    for enfant in famille.enfants.all():
        InscriptionFactory.create(enfant=enfant, activite=activite)
    return periode, matin, soir
