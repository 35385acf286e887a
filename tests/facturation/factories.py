"""Fabriques de la facturation (activités, régies, tarifs, réservations)."""

from datetime import date
from decimal import Decimal
from typing import cast

import factory
from factory.django import DjangoModelFactory

from facturation.models import ActiviteFacturee, Regie, Tarif
from reservations.models import EtatReservation, Unite
from tests.reservations import factories_planning
from tests.reservations.factories_planning import ActiviteFactory, UniteFactory


class RegieFactory(DjangoModelFactory):
    class Meta:
        model = Regie
        django_get_or_create = ("prefixe",)

    nom = factory.Sequence(lambda n: f"Régie {n}")
    prefixe = "CA"
    numero_client_payfip = "123456"
    mode_payfip = "T"


class TarifFactory(DjangoModelFactory):
    class Meta:
        model = Tarif

    unite = factory.SubFactory(UniteFactory)
    date_debut = date(2026, 1, 1)
    prix = Decimal("3.40")


class ReservationFactory(factories_planning.ReservationFactory):
    date = date(2026, 11, 2)


def regie_cantine(prefixe: str = "CA", prix: str = "3.40") -> tuple[Regie, Unite]:
    """Une régie qui facture une cantine à un tarif unique ; renvoie (régie, unité Repas)."""
    regie = cast(Regie, RegieFactory(prefixe=prefixe, nom=f"Régie {prefixe}"))
    activite = ActiviteFactory(nom=f"CANTINE {prefixe}")
    ActiviteFacturee.objects.get_or_create(activite=activite, defaults={"regie": regie})
    unite = cast(Unite, UniteFactory(activite=activite, nom="Repas"))
    TarifFactory(unite=unite, prix=Decimal(prix))
    return regie, unite


def facturer_jours(famille, unite: Unite, jours: list[date]):
    """Réserve les jours pour le premier enfant de la famille puis facture leur mois."""
    from facturation.models import Facture
    from facturation.services import facturation_lancer

    enfant = famille.enfants.order_by("pk").first()
    for jour in jours:
        ReservationFactory(enfant=enfant, unite=unite, date=jour, etat=EtatReservation.PRESENT)
    facturation_lancer(mois=jours[0].replace(day=1))
    return Facture.objects.filter(famille=famille).order_by("-numero_ordre").first()
