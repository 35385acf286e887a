"""Deux familles demandent la dernière place au même moment : une seule l'obtient."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reservations.models import Reservation
from reservations.regles import Choix
from reservations.services import reservation_demander
from tests.factories import EnfantFactory

from .factories import InscriptionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lundi_26_octobre"),
]


def test_deux_familles_pour_la_derniere_place(famille, autre_famille, alsh):
    mercredi = date(2026, 11, 18)
    depart = threading.Barrier(2)
    resultats: dict[str, str] = {}

    def demander(nom, fam):
        enfant = fam.enfants.get()
        try:
            depart.wait(timeout=10)
            reservation_demander(
                famille=fam,
                periode=alsh.periode,
                ajouts=[Choix(enfant.pk, alsh.journee.pk, mercredi)],
                suppressions=[],
            )
            resultats[nom] = "ok"
        except ValidationError as erreur:
            resultats[nom] = erreur.messages[0]
        finally:
            connection.close()

    fils = [
        threading.Thread(target=demander, args=("dupont", famille)),
        threading.Thread(target=demander, args=("martin", autre_famille)),
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert sorted(resultats.values()) == [
        "Plus de place le 18/11/2026 (Journée) : complet.",
        "ok",
    ]
    assert Reservation.objects.filter(unite=alsh.journee, date=mercredi).count() == 1


def test_un_meme_enfant_ne_prend_pas_journee_et_matin_depuis_deux_onglets(famille, alsh):
    """Deux envois simultanés pour le même enfant : les unités exclusives tiennent aussi."""
    lise = famille.enfants.get()
    alsh.journee.capacite = None
    alsh.journee.save()
    mercredi = date(2026, 11, 25)
    depart = threading.Barrier(2)
    resultats: list[str] = []

    def demander(unite):
        try:
            depart.wait(timeout=10)
            reservation_demander(
                famille=famille,
                periode=alsh.periode,
                ajouts=[Choix(lise.pk, unite.pk, mercredi)],
                suppressions=[],
            )
            resultats.append("ok")
        except ValidationError as erreur:
            resultats.append(erreur.messages[0])
        finally:
            connection.close()

    fils = [threading.Thread(target=demander, args=(u,)) for u in (alsh.journee, alsh.matin)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert resultats.count("ok") == 1
    assert Reservation.objects.filter(enfant=lise, date=mercredi).count() == 1


def test_capacite_de_plusieurs_places_sous_concurrence(famille, alsh):
    """Cinq enfants pour trois places libres : exactement trois obtiennent la leur."""
    alsh.journee.capacite = 3
    alsh.journee.save()
    enfants = [EnfantFactory(famille=famille, prenom=f"Enfant{i}") for i in range(5)]
    for enfant in enfants:
        InscriptionFactory(enfant=enfant, activite=alsh.periode.activite)
    depart = threading.Barrier(len(enfants))
    resultats: list[str] = []

    def demander(enfant):
        try:
            depart.wait(timeout=10)
            reservation_demander(
                famille=famille,
                periode=alsh.periode,
                ajouts=[Choix(enfant.pk, alsh.journee.pk, date(2026, 11, 4))],
                suppressions=[],
            )
            resultats.append("ok")
        except ValidationError:
            resultats.append("refus")
        finally:
            connection.close()

    fils = [threading.Thread(target=demander, args=(e,)) for e in enfants]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert sorted(resultats) == ["ok"] * 3 + ["refus"] * 2
    assert Reservation.objects.filter(unite=alsh.journee, date=date(2026, 11, 4)).count() == 3
