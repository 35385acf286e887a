from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familles.models import Enfant
from portail.noyau.models import User
from reservations.models import (
    Activite,
    EtatReservation,
    Inscription,
    Periode,
    RappelPeriode,
    Reservation,
    TypeActivite,
    Unite,
)
from reservations.tasks import rappeler_fermeture_periodes
from tests.factories import EnfantFactory, FamilleFactory, compte_de

PARIS = ZoneInfo("Europe/Paris")
MAINTENANT = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)


@pytest.fixture
def cantine(db, configuration):
    activite = Activite.objects.create(nom="CANTINE", type=TypeActivite.CANTINE)
    unite = Unite.objects.create(activite=activite, nom="Repas")
    decembre = Periode.objects.create(
        activite=activite,
        nom="CANTINE DÉCEMBRE 2026",
        date_debut=date(2026, 12, 1),
        date_fin=date(2026, 12, 31),
        reservable_jusqu_au=datetime(2026, 11, 22, 23, 59, tzinfo=PARIS),
    )
    # Ferme dans 10 jours : trop tôt pour un rappel. Déjà fermée : trop tard.
    Periode.objects.create(
        activite=activite,
        nom="CANTINE JANVIER 2027",
        date_debut=date(2027, 1, 1),
        date_fin=date(2027, 1, 31),
        reservable_jusqu_au=datetime(2026, 11, 30, 23, 59, tzinfo=PARIS),
    )
    Periode.objects.create(
        activite=activite,
        nom="CANTINE NOVEMBRE 2026",
        date_debut=date(2026, 11, 1),
        date_fin=date(2026, 11, 30),
        reservable_jusqu_au=datetime(2026, 10, 25, 23, 59, tzinfo=PARIS),
    )
    return activite, unite, decembre


def enfant_inscrit(activite, numero: str, prenom: str, **famille):
    enfant: Enfant = EnfantFactory.create(
        famille=FamilleFactory(numero=numero, email=f"f{numero}@example.fr", **famille),
        prenom=prenom,
    )
    Inscription.objects.create(enfant=enfant, activite=activite, date_debut=date(2026, 9, 1))
    return enfant


def lancer(capture) -> int:
    with time_machine.travel(MAINTENANT, tick=False), capture(execute=True):
        return rappeler_fermeture_periodes.delay().get()


def test_rappel_aux_seules_familles_inscrites_qui_n_ont_rien_reserve(
    cantine, django_capture_on_commit_callbacks
):
    activite, unite, decembre = cantine
    enfant_inscrit(activite, "6001", "Lise")
    reserve = enfant_inscrit(activite, "6002", "Hugo")
    Reservation.objects.create(
        enfant=reserve, famille=reserve.famille, unite=unite, date=date(2026, 12, 3)
    )
    en_novembre = enfant_inscrit(activite, "6003", "Inès")
    Reservation.objects.create(
        enfant=en_novembre,
        famille=en_novembre.famille,
        unite=unite,
        date=date(2026, 11, 24),
        etat=EtatReservation.RESERVEE,
    )
    EnfantFactory(famille=FamilleFactory(numero="6004"), prenom="Non inscrit")
    enfant_inscrit(activite, "6005", "Sans e-mail", accepte_email=False)
    inactif = enfant_inscrit(activite, "6006", "Parti")
    Enfant.objects.filter(pk=inactif.pk).update(actif=False)
    fini = enfant_inscrit(activite, "6007", "Ancien")
    Inscription.objects.filter(enfant=fini).update(date_fin=date(2026, 10, 31))
    enfant_inscrit(activite, "6008", "Sans compte", compte=None)
    desactive = enfant_inscrit(activite, "6009", "Compte fermé")
    User.objects.filter(pk=compte_de(desactive.famille).pk).update(is_active=False)

    assert lancer(django_capture_on_commit_callbacks) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["f6001@example.fr", "f6003@example.fr"]
    message = next(m for m in mail.outbox if m.to == ["f6001@example.fr"])
    assert message.subject == "Carnin (test) : les réservations CANTINE ferment le 22/11/2026"
    assert "rien réservé pour Lise" in message.body
    assert "« CANTINE DÉCEMBRE 2026 », du 01/12/2026 au 31/12/2026" in message.body
    assert "ferment le 22/11/2026 à 23:59" in message.body
    assert settings.PORTAIL_URL in message.body
    assert set(RappelPeriode.objects.values_list("periode", flat=True)) == {decembre.pk}


def test_le_rappel_n_est_envoye_qu_une_fois_par_famille_et_periode(
    cantine, django_capture_on_commit_callbacks
):
    activite, _, _ = cantine
    enfant = enfant_inscrit(activite, "6001", "Lise")
    EnfantFactory(famille=enfant.famille, prenom="Tom")  # non inscrit : pas cité
    Inscription.objects.create(
        enfant=EnfantFactory(famille=enfant.famille, prenom="Zoé"),
        activite=activite,
        date_debut=date(2026, 9, 1),
    )

    assert lancer(django_capture_on_commit_callbacks) == 1
    assert lancer(django_capture_on_commit_callbacks) == 0

    (message,) = mail.outbox
    assert "rien réservé pour Lise, Zoé sur" in message.body
    assert "Tom" not in message.body
    assert RappelPeriode.objects.count() == 1


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_familles(
    cantine, django_capture_on_commit_callbacks
):
    from reservations.services import rappels_fermeture_envoyer

    activite, _, _ = cantine
    mesures = []
    for debut, nombre in ((7000, 2), (7100, 30)):
        for i in range(nombre):
            enfant_inscrit(activite, str(debut + i), f"Enfant{i}")
        with time_machine.travel(MAINTENANT, tick=False), CaptureQueriesContext(connection) as q:
            assert rappels_fermeture_envoyer() == nombre
        mesures.append(len(q))
    assert mesures[0] == mesures[1]


def test_la_tache_est_dans_le_planning_celery_beat():
    from portail.celery import app

    app.loader.import_default_modules()
    taches = {entree["task"] for entree in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reservations.tasks.rappeler_fermeture_periodes" in taches
    assert taches <= set(app.tasks)


@pytest.mark.parametrize(
    ("champs", "rappel"),
    [
        ({"affichee_du": date(2026, 11, 21)}, False),  # pas encore affichée aux familles
        ({"affichee_au": date(2026, 11, 19)}, False),  # plus affichée
        ({"affichee_du": date(2026, 11, 1), "affichee_au": date(2026, 11, 30)}, True),
    ],
)
def test_seules_les_periodes_affichees_aux_familles_donnent_un_rappel(
    cantine, django_capture_on_commit_callbacks, champs, rappel
):
    activite, _, decembre = cantine
    Periode.objects.filter(pk=decembre.pk).update(**champs)
    enfant_inscrit(activite, "6001", "Lise")
    assert lancer(django_capture_on_commit_callbacks) == int(rappel)


def test_une_activite_inactive_ne_donne_pas_de_rappel(cantine, django_capture_on_commit_callbacks):
    activite, _, _ = cantine
    enfant_inscrit(activite, "6001", "Lise")
    Activite.objects.filter(pk=activite.pk).update(actif=False)
    assert lancer(django_capture_on_commit_callbacks) == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_envoie_le_rappel(celery_worker_reel, cantine):
    from reservations.services import rappels_fermeture_envoyer

    activite, _, _ = cantine
    enfant_inscrit(activite, "6001", "Lise")
    with time_machine.travel(MAINTENANT, tick=False):
        assert rappels_fermeture_envoyer() == 1
    assert mail.outbox == []  # envoyé par le worker, pas par le processus qui planifie

    (message,) = celery_worker_reel.attendre_emails(1)
    assert message.destinataires == ["f6001@example.fr"]
    assert message.sujet == "Carnin (test) : les réservations CANTINE ferment le 22/11/2026"
    assert "rien réservé pour Lise" in message.texte
