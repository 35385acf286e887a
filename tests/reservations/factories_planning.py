"""Fabriques du calendrier, des absences et du planning (réservations) : celles de
``factories`` avec une unité « Repas » et une période retrouvées, une réservation prête."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from familles.models import Enfant
from reservations.models import EtatReservation, Reservation, TypeActivite, Unite
from tests.factories import EnfantFactory

from . import factories
from .factories import ActiviteFactory

# Un vrai PDF minimal et un vrai PNG : le contenu est vérifié, pas le nom.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


class UniteFactory(factories.UniteFactory):
    """Une unité « Repas » par activité, retrouvée plutôt que recréée."""

    class Meta:
        django_get_or_create = ("activite", "nom")

    nom = "Repas"  # type: ignore[assignment]  # une valeur fixe au lieu de la suite


class PeriodeFactory(factories.PeriodeFactory):
    class Meta:
        django_get_or_create = ("activite", "date_debut", "date_fin")


class InscriptionFactory(factories.InscriptionFactory):
    enfant = factory.SubFactory(EnfantFactory)


class ReservationFactory(DjangoModelFactory):
    class Meta:
        model = Reservation

    enfant = factory.SubFactory(EnfantFactory)
    famille = factory.LazyAttribute(lambda o: o.enfant.famille)
    unite = factory.SubFactory(UniteFactory)
    date = date(2026, 11, 20)
    etat = EtatReservation.RESERVEE


def cantine(*, inscrit: Enfant | None = None) -> Unite:
    """CANTINE, Repas le lundi, mardi, jeudi et vendredi (fermée pendant les vacances) ;
    ``inscrit`` : un enfant inscrit depuis le 01/01/2026."""
    activite = ActiviteFactory(nom="CANTINE", type=TypeActivite.CANTINE, ordre=1)
    if inscrit is not None:
        InscriptionFactory(enfant=inscrit, activite=activite, date_debut=date(2026, 1, 1))
    return UniteFactory.create(activite=activite, nom="Repas")


def alsh_mercredi() -> Unite:
    activite = ActiviteFactory(nom="ALSH MERCREDI", type=TypeActivite.ALSH, ordre=3)
    return UniteFactory.create(
        activite=activite,
        nom="Journée",
        lundi=False,
        mardi=False,
        mercredi=True,
        jeudi=False,
        vendredi=False,
    )
