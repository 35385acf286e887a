"""La file des demandes de l'admin filtrée par activité et par enfant, avec les vraies
demandes de réservation, d'absence et de fiche enfant."""

from datetime import date

import pytest
from django.urls import reverse

from demandes.models import Demande
from demandes.services import demande_accepter
from familles.services import Changement, renseignements_demander
from reservations.models import MotifAbsence, Reservation
from reservations.regles import Choix
from reservations.services import absence_declarer, reservation_demander

pytestmark = pytest.mark.usefixtures("lundi_26_octobre")

LISTE = reverse("admin:demandes_demande_changelist")
LUNDI_9 = date(2026, 11, 9)


def _demander(famille, periode, unite, jours):
    enfant = famille.enfants.get()
    return reservation_demander(
        famille=famille,
        periode=periode,
        ajouts=[Choix(enfant.pk, unite.pk, j) for j in jours],
        suppressions=[],
    )


@pytest.fixture
def demandes(famille, cantine, garderie, agent):
    """Lise : une demande CANTINE (acceptée), une absence à la CANTINE, une demande GARDERIE
    (acceptée automatiquement) et une modification de sa fiche (sans activité)."""
    (repas,) = _demander(famille, cantine.periode, cantine.repas, [LUNDI_9])
    demande_accepter(demande=repas, agent=agent)
    absence = absence_declarer(
        reservation=Reservation.objects.get(unite=cantine.repas, date=LUNDI_9),
        motif=MotifAbsence.FAMILLE,
    )
    periode, matin, _soir = garderie
    (garde,) = _demander(famille, periode, matin, [LUNDI_9])
    lise = famille.enfants.get()
    fiche = renseignements_demander(
        famille=famille,
        type="enfants",
        cible=lise,
        personne=lise.prenom,
        changements=[Changement(lise, "prenom", "Élise")],
    )
    return {"repas": repas, "absence": absence.demande, "garde": garde, "fiche": fiche}


def test_les_demandes_d_activite_enregistrent_leur_activite(demandes):
    activites = {cle: d.activite for cle, d in demandes.items()}
    assert activites == {"repas": "CANTINE", "absence": "CANTINE", "garde": "GARDERIE", "fiche": ""}


def test_filtre_par_activite(client_agent, demandes):
    reponse = client_agent.get(LISTE, {"activite": "CANTINE"})
    assert set(reponse.context["cl"].result_list) == {demandes["repas"], demandes["absence"]}
    contenu = reponse.content.decode()
    assert "Par activité" in contenu
    assert "GARDERIE" in contenu, "le filtre propose les autres activités"
    reponse = client_agent.get(LISTE, {"activite": "GARDERIE"})
    assert list(reponse.context["cl"].result_list) == [demandes["garde"]]


def test_filtre_par_enfant_regroupe_toutes_ses_demandes(client_agent, famille, demandes):
    # La personne concernée est écrite de la même façon par chaque application.
    assert {d.personne for d in demandes.values()} == {"Lise DUPONT"}
    # Seules la demande d'absence et celle de la fiche sont en attente.
    assert Demande.objects.filter(statut="en_attente").count() == 2
    reponse = client_agent.get(LISTE, {"personne": "Lise DUPONT"})
    assert set(reponse.context["cl"].result_list) == set(demandes.values())
    reponse = client_agent.get(LISTE, {"personne": "Lise DUPONT", "activite": "CANTINE"})
    assert set(reponse.context["cl"].result_list) == {demandes["repas"], demandes["absence"]}


def test_la_migration_renseigne_l_activite_des_demandes_deja_envoyees(demandes):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("reservations.migrations.0005_activite_des_demandes")
    Demande.objects.update(activite="")
    migration.renseigner(apps, None)
    activites = dict(Demande.objects.values_list("pk", "activite"))
    assert {cle: activites[d.pk] for cle, d in demandes.items()} == {
        "repas": "CANTINE",
        "absence": "CANTINE",
        "garde": "GARDERIE",
        "fiche": "",
    }
