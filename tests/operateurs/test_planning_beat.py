"""Le planning Celery beat : chaque entrée nomme une vraie tâche, appelable avec ses
arguments planifiés."""

import inspect
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

import demandes.emails
import facturation.emails
import familles.emails
import portail.noyau.emails
import reservations.emails
from demandes.models import Demande, LigneDemande, StatutDemande
from portail.celery import app
from portail.noyau.tasks import purger_donnees
from tests.factories import FamilleFactory

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def taches():
    app.loader.import_default_modules()
    return app.tasks


def test_le_planning_nomme_de_vraies_taches_avec_leurs_arguments(taches):
    assert {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} == {
        "reservations.tasks.rappeler_fermeture_periodes",
        "reservations.tasks.fermer_listes_attente",
        "familles.tasks.expirer_mots_de_passe_temporaires",
        "facturation.tasks.verifier_paiements_en_cours",
        "portail.noyau.tasks.purger_donnees",
    }
    for entree in settings.CELERY_BEAT_SCHEDULE.values():
        tache = taches[entree["task"]]
        # Les arguments planifiés correspondent à la signature de la tâche.
        inspect.signature(tache.run).bind(*entree.get("args", ()), **entree.get("kwargs", {}))


def test_les_e_mails_gardent_le_nom_de_tache_d_avant_leur_deplacement(taches):
    """Passées de tasks.py à emails.py, les tâches gardent leur nom : celles déjà en file
    dans Redis au déploiement trouvent encore leur fonction."""
    deplacees = {
        "demandes.tasks.notifier_demande_traitee": demandes.emails.notifier_demande_traitee,
        "demandes.tasks.notifier_message": demandes.emails.notifier_message,
        "demandes.tasks.notifier_envoi_groupe": demandes.emails.notifier_envoi_groupe,
        "familles.tasks.envoyer_identifiants_task": familles.emails.envoyer_identifiants_task,
        "reservations.tasks.envoyer_rappel_periode": reservations.emails.envoyer_rappel_periode,
        "reservations.tasks.envoyer_avis_attente": reservations.emails.envoyer_avis_attente,
        "facturation.tasks.envoyer_document_demande": facturation.emails.envoyer_document_demande,
        "facturation.tasks.envoyer_attestation_frais_garde": (
            facturation.emails.envoyer_attestation_frais_garde
        ),
        "facturation.tasks.envoyer_avis_rejet": facturation.emails.envoyer_avis_rejet,
        "portail.noyau.tasks.envoyer_message_task": portail.noyau.emails.envoyer_message_task,
    }
    for nom, tache in deplacees.items():
        assert tache.name == nom
        assert taches[nom].run is tache.run
        assert taches[nom].max_retries == 5, "toujours rejouée si le serveur SMTP ne répond pas"


def test_paiements_verifies_toutes_les_15_minutes_avec_l_adresse_du_portail():
    entree = settings.CELERY_BEAT_SCHEDULE["verifier-paiements-en-cours"]
    assert entree["kwargs"] == {"url_site": settings.PORTAIL_URL}
    planning = entree["schedule"]
    assert planning.minute == {0, 15, 30, 45} and len(planning.hour) == 24


def test_purge_chaque_semaine_la_nuit():
    planning = settings.CELERY_BEAT_SCHEDULE["purger-donnees"]["schedule"]
    assert planning.day_of_week == {0} and planning.hour == {3} and planning.minute == {15}


@pytest.mark.django_db
def test_la_verification_des_paiements_tourne_avec_ses_arguments_planifies(taches):
    entree = settings.CELERY_BEAT_SCHEDULE["verifier-paiements-en-cours"]
    # Aucun paiement en cours : rien à redemander à PayFiP.
    assert taches[entree["task"]].apply(kwargs=entree["kwargs"]).get() == 0


@pytest.mark.django_db
def test_la_tache_de_purge_supprime_ce_qui_est_perime(django_capture_on_commit_callbacks):
    famille = FamilleFactory()
    maintenant = datetime(2030, 6, 15, 12, 0, tzinfo=PARIS)
    ancienne, recente = (
        Demande.objects.create(
            famille=famille,
            type="test",
            resume=resume,
            statut=StatutDemande.ACCEPTEE,
            traite_le=maintenant - timedelta(days=jours),
        )
        for resume, jours in (("ancienne", 4 * 365), ("récente", 30))
    )
    LigneDemande.objects.create(demande=ancienne, libelle="Une ligne")
    with (
        time_machine.travel(maintenant, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        resultat = purger_donnees.apply().get()
    assert resultat["Demandes traitées"] == 1
    assert list(Demande.objects.all()) == [recente]
    assert not LigneDemande.objects.exists()
    with time_machine.travel(maintenant, tick=False):
        assert purger_donnees.apply().get() == {}, "relancer ne supprime plus rien"
