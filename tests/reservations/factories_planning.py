"""Fabriques du calendrier, des absences et du planning (réservations)."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from reservations.models import (
    Activite,
    EtatReservation,
    Inscription,
    Periode,
    Reservation,
    TypeActivite,
    Unite,
)
from tests.factories import EnfantFactory

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


class ActiviteFactory(DjangoModelFactory):
    class Meta:
        model = Activite
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"ACTIVITE {n}")
    type = TypeActivite.CANTINE


class UniteFactory(DjangoModelFactory):
    class Meta:
        model = Unite
        django_get_or_create = ("activite", "nom")

    activite = factory.SubFactory(ActiviteFactory)
    nom = "Repas"


class PeriodeFactory(DjangoModelFactory):
    class Meta:
        model = Periode
        django_get_or_create = ("activite", "date_debut", "date_fin")

    activite = factory.SubFactory(ActiviteFactory)
    nom = factory.LazyAttribute(lambda o: f"{o.activite.nom} {o.date_debut:%m/%Y}")
    date_debut = date(2026, 11, 1)
    date_fin = date(2026, 11, 30)


class InscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Inscription

    enfant = factory.SubFactory(EnfantFactory)
    activite = factory.SubFactory(ActiviteFactory)
    date_debut = date(2026, 9, 1)


class ReservationFactory(DjangoModelFactory):
    class Meta:
        model = Reservation

    enfant = factory.SubFactory(EnfantFactory)
    famille = factory.LazyAttribute(lambda o: o.enfant.famille)
    unite = factory.SubFactory(UniteFactory)
    date = date(2026, 11, 20)
    etat = EtatReservation.RESERVEE


def cantine() -> Unite:
    """CANTINE, Repas le lundi, mardi, jeudi et vendredi (fermée pendant les vacances)."""
    activite = ActiviteFactory(nom="CANTINE", type=TypeActivite.CANTINE, ordre=1)
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
