"""Sous concurrence (PostgreSQL, un fil et une connexion par action) : des annulations et des
demandes simultanées ne donnent jamais plus de réservations que de places, et les places
libérées vont aux premiers de la liste d'attente."""

import pytest

from reservations.models import ETATS_OCCUPANT_UNE_PLACE, EtatReservation, Reservation
from reservations.regles import Choix
from reservations.services import reservation_demander, reservations_retirer
from tests.concurrence import en_parallele

from .attente_outils import MERCREDI, attente_de, inscrire_attente, reserver, troisieme_famille

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lundi_26_octobre"),
]


@pytest.mark.parametrize("essai", range(3))
def test_annulations_et_demandes_simultanees(essai, famille, autre_famille, alsh, agent):
    alsh.journee.capacite = 2
    alsh.journee.save()
    martin = reserver(autre_famille, alsh, agent=agent)
    durand_famille = troisieme_famille(alsh, "DURAND")
    durand = reserver(durand_famille, alsh, agent=agent)
    inscrire_attente(famille, alsh)  # DUPONT, 1er
    bernard = troisieme_famille(alsh, "BERNARD")
    inscrire_attente(bernard, alsh)  # BERNARD, 2e
    nouveaux = [troisieme_famille(alsh, nom) for nom in ("PETIT", "ROUX")]

    def demander(fam):
        return lambda: reservation_demander(
            famille=fam,
            periode=alsh.periode,
            ajouts=[Choix(fam.enfants.get().pk, alsh.journee.pk, MERCREDI)],
            suppressions=[],
        )

    resultats = en_parallele(
        lambda: reservations_retirer(reservations=[martin], agent=agent),
        demander(nouveaux[0]),
        lambda: reservations_retirer(reservations=[durand], agent=agent),
        demander(nouveaux[1]),
    )
    assert sorted(resultats) == [
        "Plus de place le 18/11/2026 (Journée) : complet.",
        "Plus de place le 18/11/2026 (Journée) : complet.",
        "fait",
        "fait",
    ]
    occupees = Reservation.objects.filter(
        unite=alsh.journee, date=MERCREDI, etat__in=ETATS_OCCUPANT_UNE_PLACE
    )
    assert occupees.count() == 2
    assert attente_de(famille, alsh).etat == EtatReservation.RESERVEE
    assert attente_de(bernard, alsh).etat == EtatReservation.RESERVEE


def test_deux_inscriptions_simultanees_ont_deux_rangs(famille, autre_famille, alsh, agent):
    reserver(autre_famille, alsh, agent=agent)
    bernard = troisieme_famille(alsh, "BERNARD")
    resultats = en_parallele(
        lambda: inscrire_attente(famille, alsh), lambda: inscrire_attente(bernard, alsh)
    )
    assert resultats == ["fait", "fait"]
    rangs = sorted(
        Reservation.objects.filter(etat=EtatReservation.LISTE_ATTENTE).values_list(
            "rang_attente", flat=True
        )
    )
    assert rangs == [1, 2]
