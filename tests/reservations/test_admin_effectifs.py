import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reservations.models import EtatReservation
from reservations.selectors import effectifs
from reservations.services import jours_ouverture_generer
from tests.factories import EnfantFactory

from .factories_planning import PeriodeFactory, ReservationFactory, UniteFactory, cantine

pytestmark = pytest.mark.django_db


@pytest.fixture
def donnees(famille):
    repas = cantine()
    soir = UniteFactory(activite=repas.activite, nom="Goûter", ordre=2)
    jours_ouverture_generer(periode=PeriodeFactory(activite=repas.activite))
    enfants = [EnfantFactory(famille=famille) for _ in range(4)]
    # Lundi 16/11 : 3 attendus (2 réservés + 1 présent), 1 en attente, 1 absent excusé,
    # 1 absence en cours : seuls les attendus comptent pour la commande.
    etats = [
        EtatReservation.RESERVEE,
        EtatReservation.RESERVEE,
        EtatReservation.PRESENT,
        EtatReservation.DEMANDEE,
    ]
    for enfant, etat in zip(enfants, etats, strict=True):
        ReservationFactory(enfant=enfant, unite=repas, date=date(2026, 11, 16), etat=etat)
    ReservationFactory(
        enfant=famille.enfants.get(prenom="Lise"),
        unite=repas,
        date=date(2026, 11, 16),
        etat=EtatReservation.ABSENT_EXCUSE,
    )
    ReservationFactory(enfant=enfants[0], unite=repas, date=date(2026, 11, 17))
    ReservationFactory(
        enfant=enfants[1],
        unite=repas,
        date=date(2026, 11, 17),
        etat=EtatReservation.ABSENCE_DEMANDEE,
    )
    ReservationFactory(enfant=enfants[0], unite=soir, date=date(2026, 11, 17))
    return repas, soir


def test_effectifs_par_jour_et_par_unite(configuration, donnees):
    repas, soir = donnees
    tableau = effectifs(debut=date(2026, 11, 16), fin=date(2026, 11, 18))
    assert tableau.unites == [repas, soir]
    lignes = {jour: [(e.attendus, e.en_attente) for e in ligne] for jour, ligne in tableau.lignes}
    assert lignes == {
        date(2026, 11, 16): [(3, 1), (0, 0)],
        date(2026, 11, 17): [(1, 0), (1, 0)],
        # Mercredi 18 : aucune unité ouverte, aucune réservation : pas de ligne.
    }


def test_page_et_csv_des_effectifs(client_agent, donnees):
    url = reverse("admin:reservations_effectifs")
    params = {"du": "2026-11-16", "au": "2026-11-17", "activite": donnees[0].activite_id}
    reponse = client_agent.get(url, params)
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "CANTINE — Repas" in contenu
    assert "(+1 en attente)" in contenu
    assert "format=csv" in contenu

    csv_reponse = client_agent.get(url, {**params, "format": "csv"})
    assert csv_reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="effectifs_20261116_20261117.csv"' in csv_reponse["Content-Disposition"]
    texte = csv_reponse.content.decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes == [
        [
            "Date",
            "Jour",
            "Activité",
            "Unité",
            "Enfants attendus",
            "Demandes en attente",
            "Liste d'attente",
        ],
        ["16/11/2026", "lundi", "CANTINE", "Repas", "3", "1", "0"],
        ["16/11/2026", "lundi", "CANTINE", "Goûter", "0", "0", "0"],
        ["17/11/2026", "mardi", "CANTINE", "Repas", "1", "0", "0"],
        ["17/11/2026", "mardi", "CANTINE", "Goûter", "1", "0", "0"],
    ]


def test_effectifs_dates_invalides(client_agent, donnees):
    url = reverse("admin:reservations_effectifs")
    reponse = client_agent.get(url, {"du": "2026-11-17", "au": "2026-11-16"})
    assert "La date de fin précède la date de début." in reponse.content.decode()
    reponse = client_agent.get(url, {"du": "2026-01-01", "au": "2026-12-31", "format": "csv"})
    assert reponse["Content-Type"].startswith("text/html")
    assert "93 jours au plus" in reponse.content.decode()
    reponse = client_agent.get(url, {"du": "pas une date", "au": "2026-12-31"})
    assert "Saisissez une date valide." in reponse.content.decode()


def test_effectifs_page_par_defaut(client_agent, donnees):
    with time_machine.travel(datetime(2026, 11, 16, 9, tzinfo=ZoneInfo("Europe/Paris"))):
        reponse = client_agent.get(reverse("admin:reservations_effectifs"))
    assert reponse.status_code == 200
    assert 'value="2026-11-16"' in reponse.content.decode()


def test_effectifs_reserves_aux_agents(client_parent):
    reponse = client_parent.get(reverse("admin:reservations_effectifs"))
    assert reponse.status_code == 302


def _nombre_de_requetes(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_pointage_et_effectifs_en_requetes_fixes(client_agent, famille, configuration):
    repas = cantine()
    jours_ouverture_generer(periode=PeriodeFactory(activite=repas.activite))
    jour = date(2026, 11, 20)
    url_pointage = f"{reverse('admin:reservations_pointage')}?unite={repas.pk}&jour={jour:%Y-%m-%d}"
    url_effectifs = f"{reverse('admin:reservations_effectifs')}?du=2026-11-01&au=2026-11-30"
    ReservationFactory(enfant=famille.enfants.get(), unite=repas, date=jour)
    peu = (
        _nombre_de_requetes(client_agent, url_pointage),
        _nombre_de_requetes(client_agent, url_effectifs),
    )
    for _ in range(15):
        enfant = EnfantFactory(famille=famille)
        for j in (16, 17, 19, 20):
            ReservationFactory(enfant=enfant, unite=repas, date=date(2026, 11, j))
    beaucoup = (
        _nombre_de_requetes(client_agent, url_pointage),
        _nombre_de_requetes(client_agent, url_effectifs),
    )
    assert peu == beaucoup
