"""Fabriques des pièces (et des activités/inscriptions dont le calcul a besoin)."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from pieces.models import Portee, TypePiece, Validite
from reservations.models import Activite, Inscription, TypeActivite


class ActiviteFactory(DjangoModelFactory):
    class Meta:
        model = Activite
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"ACTIVITE{n}")
    type = TypeActivite.CANTINE


class InscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Inscription

    activite = factory.SubFactory(ActiviteFactory)
    date_debut = date(2026, 9, 1)


class TypePieceFactory(DjangoModelFactory):
    class Meta:
        model = TypePiece
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"Pièce {n}")
    portee = Portee.FAMILLE
    validite = Validite.ANNEE_SCOLAIRE
