"""Règle de Carnin : « Les réservations du mois suivant doivent être effectuées avant la
dernière semaine du mois en cours » — calculée, vérifiée par le service, montrée sur la
grille, utilisée par le rappel de fermeture."""

import html
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from reservations.calendrier import fin_des_reservations
from reservations.models import Periode, RegleFermeture
from reservations.regles import Choix
from reservations.selectors import periodes_bientot_fermees
from reservations.services import (
    annee_preparer,
    periodes_appliquer_regle_fermeture,
    reservation_demander,
)
from tests.factories import compte_de

from .conftest import PARIS

CARNIN = RegleFermeture.DERNIERE_SEMAINE


def test_fermeture_calculee_selon_la_regle():
    # Le 30/11/2026 est un lundi : la dernière semaine de novembre commence ce jour-là.
    assert fin_des_reservations(date(2026, 12, 1), CARNIN) == datetime(
        2026, 11, 29, 23, 59, tzinfo=PARIS
    )
    # Le 31/12/2026 est un jeudi : dernière semaine dès le lundi 28/12.
    assert fin_des_reservations(date(2027, 1, 1), CARNIN) == datetime(
        2026, 12, 27, 23, 59, tzinfo=PARIS
    )
    assert fin_des_reservations(date(2026, 12, 1)) == datetime(2026, 11, 20, 23, 59, tzinfo=PARIS)
    assert fin_des_reservations(date(2026, 12, 1), RegleFermeture.AUCUNE) is None


def test_preparer_annee_applique_la_regle_de_l_activite(cantine):
    activite = cantine.periode.activite
    activite.regle_fermeture = CARNIN
    activite.save()
    annee_preparer(annee="2026-2027", zone="B")
    decembre = Periode.objects.get(activite=activite, date_debut=date(2026, 12, 1))
    assert decembre.reservable_jusqu_au == datetime(2026, 11, 29, 23, 59, tzinfo=PARIS)


def test_le_service_refuse_une_reservation_des_la_derniere_semaine(famille, cantine):
    activite = cantine.periode.activite  # période de novembre 2026
    activite.regle_fermeture = CARNIN
    activite.save()
    assert periodes_appliquer_regle_fermeture(activite=activite, aujourdhui=date(2026, 10, 1))
    cantine.periode.refresh_from_db()
    # Le 31/10/2026 est un samedi : la dernière semaine d'octobre commence le lundi 26.
    assert cantine.periode.reservable_jusqu_au == datetime(2026, 10, 25, 23, 59, tzinfo=PARIS)
    lise = famille.enfants.get()
    choix = [Choix(lise.pk, cantine.repas.pk, date(2026, 11, 20))]
    with time_machine.travel(datetime(2026, 10, 25, 23, 0, tzinfo=PARIS), tick=False):
        assert reservation_demander(
            famille=famille, periode=cantine.periode, ajouts=choix, suppressions=[]
        )
    choix = [Choix(lise.pk, cantine.repas.pk, date(2026, 11, 23))]
    with (
        time_machine.travel(datetime(2026, 10, 26, 0, 1, tzinfo=PARIS), tick=False),
        pytest.raises(ValidationError, match="réservations fermées"),
    ):
        reservation_demander(
            famille=famille, periode=cantine.periode, ajouts=choix, suppressions=[]
        )


def test_la_grille_montre_la_regle_et_la_date(client_parent, famille, cantine):
    activite = cantine.periode.activite
    activite.regle_fermeture = CARNIN
    activite.save()
    cantine.periode.reservable_jusqu_au = fin_des_reservations(date(2026, 11, 1), CARNIN)
    cantine.periode.save()
    lise = famille.enfants.get()
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=PARIS), tick=False):
        client_parent.force_login(compte_de(famille))
        url = reverse("reservations:reserver") + f"?periode={cantine.periode.pk}&enfant={lise.pk}"
        texte = html.unescape(client_parent.get(url).content.decode())
    assert (
        "Les réservations du mois suivant doivent être effectuées avant la dernière semaine du "
        "mois en cours : réservations possibles jusqu'au dimanche 25/10/2026 à 23:59."
    ) in texte


def test_le_rappel_de_fermeture_utilise_la_date_calculee(cantine):
    activite = cantine.periode.activite
    activite.regle_fermeture = CARNIN
    activite.save()
    decembre = Periode.objects.create(
        activite=activite,
        nom="CANTINE DÉCEMBRE 2026",
        date_debut=date(2026, 12, 1),
        date_fin=date(2026, 12, 31),
    )
    periodes_appliquer_regle_fermeture(activite=activite, aujourdhui=date(2026, 11, 1))
    # Ferme le dimanche 29/11 à 23:59 : rappel trois jours avant, pas une semaine avant.
    avant = datetime(2026, 11, 22, 10, tzinfo=PARIS)
    assert decembre not in list(periodes_bientot_fermees(maintenant=avant))
    assert decembre in list(periodes_bientot_fermees(maintenant=avant + timedelta(days=5)))
