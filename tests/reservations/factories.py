"""Fabriques des réservations (activités, unités, périodes, jours ouverts, inscriptions)."""

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from reservations.models import Activite, Inscription, JourOuverture, Periode, Unite
from reservations.regles import est_ferie


class ActiviteFactory(DjangoModelFactory):
    class Meta:
        model = Activite
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"ACTIVITE {n}")
    type = "cantine"


class UniteFactory(DjangoModelFactory):
    class Meta:
        model = Unite

    activite = factory.SubFactory(ActiviteFactory)
    nom = factory.Sequence(lambda n: f"Unité {n}")


class PeriodeFactory(DjangoModelFactory):
    class Meta:
        model = Periode

    activite = factory.SubFactory(ActiviteFactory)
    nom = factory.LazyAttribute(lambda o: f"{o.activite.nom} {o.date_debut:%m/%Y}")
    date_debut = date(2026, 11, 1)
    date_fin = date(2026, 11, 30)


class InscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Inscription

    activite = factory.SubFactory(ActiviteFactory)
    date_debut = date(2026, 9, 1)


def ouvrir(unite: Unite, debut: date, fin: date, jours_semaine: tuple[int, ...]) -> list[date]:
    """Les jours d'ouverture d'une unité, jours fériés exclus (comme le calendrier)."""
    jours = []
    jour = debut
    while jour <= fin:
        if jour.weekday() in jours_semaine and not est_ferie(jour):
            jours.append(jour)
        jour += timedelta(days=1)
    JourOuverture.objects.bulk_create([JourOuverture(unite=unite, date=j) for j in jours])
    return jours
