"""Délais de réservation : le 7e et le 8e jour, l'heure limite, les jours ouvrés, les fériés."""

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from reservations.models import Activite, Reservation
from reservations.regles import Choix, date_limite, est_ferie, est_jour_ouvre
from reservations.services import reservation_demander

from .conftest import a_paris


def test_jours_feries_francais():
    assert est_ferie(date(2026, 11, 11))
    assert est_ferie(date(2026, 5, 14))  # Ascension 2026
    assert not est_ferie(date(2026, 11, 12))
    assert not est_jour_ouvre(date(2026, 11, 14))  # samedi
    assert est_jour_ouvre(date(2026, 11, 12))


def test_delai_de_7_jours_se_termine_a_minuit_du_7e_jour_avant():
    activite = Activite(delai_ajout_jours=7, delai_suppression_jours=7)
    # Pour le lundi 09/11, on peut réserver jusqu'au lundi 02/11 inclus.
    assert date_limite(activite, date(2026, 11, 9)) == a_paris(date(2026, 11, 3), time(0))


def test_delai_a_heure_limite_la_veille():
    activite = Activite(delai_ajout_jours=1, heure_limite=time(12, 0))
    assert date_limite(activite, date(2026, 11, 5)) == a_paris(date(2026, 11, 4), time(12, 0))


def test_delai_en_jours_ouvres_saute_weekend_et_ferie():
    activite = Activite(delai_ajout_jours=2, delai_jours_ouvres=True)
    # Jeudi 12/11 : le 11/11 est férié, on remonte au mardi 10 (1) puis au lundi 9 (2).
    assert date_limite(activite, date(2026, 11, 12)) == a_paris(date(2026, 11, 10), time(0))
    # Lundi 16/11 : vendredi 13 (1), jeudi 12 (2) ; le week-end ne compte pas.
    assert date_limite(activite, date(2026, 11, 16)) == a_paris(date(2026, 11, 13), time(0))


def test_delai_de_suppression_distinct_du_delai_d_ajout():
    activite = Activite(delai_ajout_jours=7, delai_suppression_jours=2)
    assert date_limite(activite, date(2026, 11, 20), suppression=True) == a_paris(
        date(2026, 11, 19), time(0)
    )


def _demander(famille, cantine, jour):
    enfant = famille.enfants.get()
    return reservation_demander(
        famille=famille,
        periode=cantine.periode,
        ajouts=[Choix(enfant.pk, cantine.repas.pk, jour)],
        suppressions=[],
    )


@pytest.mark.parametrize("heure", [time(0, 1), time(23, 59)])
def test_le_7e_jour_avant_on_peut_encore_reserver(famille, cantine, heure):
    with time_machine.travel(a_paris(date(2026, 11, 2), heure), tick=False):
        _demander(famille, cantine, date(2026, 11, 9))
    assert Reservation.objects.filter(date=date(2026, 11, 9)).exists()


def test_moins_de_7_jours_avant_la_reservation_est_refusee(famille, cantine):
    with (
        time_machine.travel(a_paris(date(2026, 11, 3), time(0, 0)), tick=False),
        pytest.raises(ValidationError) as erreur,
    ):
        _demander(famille, cantine, date(2026, 11, 9))
    assert "Impossible de réserver le 09/11/2026 (Repas) : délai dépassé." in erreur.value.messages
    assert not Reservation.objects.exists()


def test_le_8e_jour_avant_est_reservable_et_le_6e_non(famille, cantine):
    with time_machine.travel(a_paris(date(2026, 11, 2), time(18, 0)), tick=False):
        _demander(famille, cantine, date(2026, 11, 10))
        with pytest.raises(ValidationError):
            _demander(famille, cantine, date(2026, 11, 6))


def test_heure_limite_de_la_veille(famille, garderie):
    periode, matin, _ = garderie
    enfant = famille.enfants.get()
    choix = [Choix(enfant.pk, matin.pk, date(2026, 11, 5))]
    with (
        time_machine.travel(a_paris(date(2026, 11, 4), time(12, 0)), tick=False),
        pytest.raises(ValidationError, match="délai dépassé"),
    ):
        reservation_demander(famille=famille, periode=periode, ajouts=choix, suppressions=[])
    with time_machine.travel(a_paris(date(2026, 11, 4), time(11, 59)), tick=False):
        reservation_demander(famille=famille, periode=periode, ajouts=choix, suppressions=[])
    assert Reservation.objects.get().etat == "reservee"  # garderie : validation automatique
