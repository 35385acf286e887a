from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from demandes.models import Demande, LigneDemande, Message, StatutDemande
from familles.models import Famille
from pieces.models import Piece, Portee, StatutPiece, TypePiece
from portail.noyau.registre import regles_conservation
from reservations.models import Activite, Periode, RappelPeriode, TypeActivite
from tests.factories import FamilleFactory

PARIS = ZoneInfo("Europe/Paris")
MAINTENANT = datetime(2030, 6, 15, 12, 0, tzinfo=PARIS)
ANCIEN = MAINTENANT - timedelta(days=4 * 365)  # au-delà de 3 ans
RECENT = MAINTENANT - timedelta(days=2 * 365)
TRES_ANCIEN = MAINTENANT - timedelta(days=6 * 365)  # au-delà de 5 ans (historique)


def demande(famille, statut: str, cree_le: datetime, traite_le: datetime | None = None):
    d = Demande.objects.create(
        famille=famille,
        type="test",
        resume=f"{statut} {cree_le:%Y}",
        statut=statut,
        traite_le=traite_le,
    )
    Demande.objects.filter(pk=d.pk).update(cree_le=cree_le)
    LigneDemande.objects.create(demande=d, libelle="Une ligne")
    return d


def fichier(nom: str) -> str:
    return default_storage.save(f"tests/{nom}", ContentFile(b"%PDF-1.4 test"))


@pytest.fixture
def donnees(db, configuration):
    with time_machine.travel(TRES_ANCIEN):
        famille = FamilleFactory(numero="8001")  # historique de création : très ancien
    with time_machine.travel(RECENT):
        Famille.objects.get(pk=famille.pk).save()  # une modification récente
    d = {
        "famille": famille,
        "acceptee_ancienne": demande(famille, StatutDemande.ACCEPTEE, ANCIEN, ANCIEN),
        "refusee_ancienne": demande(famille, StatutDemande.REFUSEE, ANCIEN, ANCIEN),
        # Envoyée il y a longtemps mais traitée récemment : gardée.
        "acceptee_recente": demande(famille, StatutDemande.ACCEPTEE, ANCIEN, RECENT),
        "en_attente_ancienne": demande(famille, StatutDemande.EN_ATTENTE, TRES_ANCIEN),
        "annulee_ancienne": demande(famille, StatutDemande.ANNULEE, ANCIEN),
    }
    partage = fichier("circulaire.pdf")
    for nom, quand, piece_jointe in [
        ("message_ancien", ANCIEN, fichier("ancien.pdf")),
        ("message_recent", RECENT, ""),
        ("envoi_groupe_ancien", ANCIEN, partage),
        ("envoi_groupe_recent", RECENT, partage),
    ]:
        d[nom] = Message.objects.create(
            famille=famille,
            direction="mairie",
            sujet=nom,
            texte="…",
            cree_le=quand,
            piece_jointe=piece_jointe,
        )
    type_piece = TypePiece.objects.create(nom="Justificatif de domicile", portee=Portee.FAMILLE)
    for nom, statut, quand, valable in [
        ("piece_refusee_ancienne", StatutPiece.REFUSEE, ANCIEN, None),
        ("piece_refusee_recente", StatutPiece.REFUSEE, RECENT, None),
        ("piece_en_attente_ancienne", StatutPiece.EN_ATTENTE, TRES_ANCIEN, None),
        ("piece_validee_echue", StatutPiece.VALIDEE, TRES_ANCIEN, ANCIEN.date()),
        ("piece_validee_valable", StatutPiece.VALIDEE, TRES_ANCIEN, date(2031, 8, 31)),
        ("piece_validee_sans_fin", StatutPiece.VALIDEE, TRES_ANCIEN, None),
    ]:
        with time_machine.travel(quand):
            d[nom] = Piece.objects.create(
                famille=famille,
                type=type_piece,
                fichier=fichier(f"{nom}.pdf"),
                nom_fichier=f"{nom}.pdf",
                statut=statut,
                valide_jusqu_au=valable,
            )
    activite = Activite.objects.create(nom="CANTINE", type=TypeActivite.CANTINE)
    periode = Periode.objects.create(
        activite=activite,
        nom="CANTINE JUIN 2027",
        date_debut=date(2027, 6, 1),
        date_fin=date(2027, 6, 30),
    )
    with time_machine.travel(ANCIEN):
        d["rappel"] = RappelPeriode.objects.create(periode=periode, famille=famille)
    Session.objects.create(
        session_key="expiree", session_data="", expire_date=MAINTENANT - timedelta(days=2)
    )
    Session.objects.create(
        session_key="valable", session_data="", expire_date=MAINTENANT + timedelta(days=1)
    )
    return d


def existe(objet) -> bool:
    return type(objet).objects.filter(pk=objet.pk).exists()


def purger(*args: str, capture) -> str:
    sortie = StringIO()
    with time_machine.travel(MAINTENANT, tick=False), capture(execute=True):
        call_command("purger", *args, stdout=sortie)
    return sortie.getvalue()


SUPPRIMES = [
    "acceptee_ancienne",
    "refusee_ancienne",
    "annulee_ancienne",
    "message_ancien",
    "envoi_groupe_ancien",
    "piece_refusee_ancienne",
    "piece_validee_echue",
    "rappel",
]
GARDES = [
    "acceptee_recente",
    "en_attente_ancienne",
    "message_recent",
    "envoi_groupe_recent",
    "piece_refusee_recente",
    "piece_en_attente_ancienne",
    "piece_validee_valable",
    "piece_validee_sans_fin",
]


def test_la_purge_supprime_ce_qui_est_perime_et_garde_le_reste(
    donnees, django_capture_on_commit_callbacks
):
    sortie = purger(capture=django_capture_on_commit_callbacks)

    assert [n for n in SUPPRIMES if existe(donnees[n])] == []
    assert [n for n in GARDES if not existe(donnees[n])] == []
    assert existe(donnees["famille"])
    assert not LigneDemande.objects.filter(demande_id=donnees["acceptee_ancienne"].pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["valable"]
    # L'historique (audit) : l'entrée de plus de 5 ans part, la récente reste.
    assert list(donnees["famille"].history.values_list("history_type", flat=True)) == ["~"]

    assert (
        "Demandes traitées (plus de 1095 jours) : 2 supprimé(s) (avec 2 lignes de demande)"
    ) in sortie
    assert (
        "Pièces refusées ou annulées (plus de 1095 jours) : 1 supprimé(s), dont 1 fichier(s)"
    ) in sortie
    assert "Purge terminée :" in sortie


def test_les_fichiers_partent_du_stockage_sauf_ceux_encore_cites(
    donnees, django_capture_on_commit_callbacks
):
    purger(capture=django_capture_on_commit_callbacks)

    assert not default_storage.exists(donnees["message_ancien"].piece_jointe.name)
    assert not default_storage.exists(donnees["piece_refusee_ancienne"].fichier.name)
    assert not default_storage.exists(donnees["piece_validee_echue"].fichier.name)
    # Le fichier d'un envoi groupé reste : un message récent le cite encore.
    assert default_storage.exists(donnees["envoi_groupe_recent"].piece_jointe.name)
    for nom in ("piece_refusee_recente", "piece_validee_valable", "piece_en_attente_ancienne"):
        assert default_storage.exists(donnees[nom].fichier.name)


def test_l_essai_compte_sans_rien_supprimer(donnees, django_capture_on_commit_callbacks):
    sortie = purger("--essai", capture=django_capture_on_commit_callbacks)

    assert all(existe(donnees[n]) for n in SUPPRIMES)
    assert default_storage.exists(donnees["message_ancien"].piece_jointe.name)
    assert Session.objects.count() == 2
    assert "Demandes traitées (plus de 1095 jours) : 2 à supprimer" in sortie
    assert "Messages (plus de 1095 jours) : 2 à supprimer, dont 1 fichier(s)" in sortie
    assert "Essai (rien n'a été supprimé)" in sortie


def test_relancer_la_purge_ne_supprime_plus_rien(donnees, django_capture_on_commit_callbacks):
    purger(capture=django_capture_on_commit_callbacks)
    sortie = purger(capture=django_capture_on_commit_callbacks)
    assert "Purge terminée : 0 ligne(s) et 0 fichier(s) supprimé(s)." in sortie


def test_les_durees_viennent_des_reglages(donnees, settings, django_capture_on_commit_callbacks):
    settings.CONSERVATION_DEMANDES_JOURS = 10 * 365
    purger(capture=django_capture_on_commit_callbacks)
    assert existe(donnees["acceptee_ancienne"])
    assert not existe(donnees["message_ancien"])


def test_aucune_regle_ne_vise_la_facturation_ni_les_fiches(db):
    modeles = {
        regle.modele.split(".")[0] + "." + regle.modele.split(".")[1].lower()
        for regle in regles_conservation()
    }
    assert not any(m.startswith("facturation.") for m in modeles)
    for fiche in (
        "familles.famille",
        "familles.enfant",
        "familles.responsable",
        "reservations.reservation",
        "portail.user",
    ):
        assert fiche not in modeles
    # Chaque règle vise un modèle et un champ qui existent.
    from django.apps import apps

    for regle in regles_conservation():
        apps.get_model(regle.modele)._meta.get_field(regle.champ_date)
