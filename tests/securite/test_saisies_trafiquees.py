"""Saisies trafiquées sur les formulaires et paramètres des parents : un message en français,
et rien ne change (ni demande, ni message, ni transaction)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from demandes.models import Demande, Message
from facturation.models import TransactionPaiement
from pieces.models import Piece
from portail.noyau.models import Configuration

from . import objets

pytestmark = pytest.mark.django_db


def _rien_ne_change():
    return (Demande.objects.count(), Message.objects.count(), Piece.objects.count())


JETON = {"csrfmiddlewaretoken": "jeton"}

# (URL, kwargs, POST, message attendu dans la page)
SAISIES = [
    # Nombres négatifs, énormes ou qui n'en sont pas.
    (
        "familles:modifier_famille",
        {"bloc": "fiscales"},
        {"revenu_fiscal": "-5"},
        "Ce montant ne peut pas être négatif.",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "fiscales"},
        {"nombre_parts": "0"},
        "Le nombre de parts fiscales est compris entre 1 et 20.",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "fiscales"},
        {"nombre_parts": "99999999999"},
        "pas plus de 4 chiffres",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "fiscales"},
        {"revenu_fiscal": "NaN"},
        "Saisissez un nombre.",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "fiscales"},
        {"revenu_fiscal": "1e400"},
        "pas plus de 10 chiffres au total",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "caf"},
        {"quotient_familial": "-1"},
        "supérieure ou égale à 0",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "caf"},
        {"quotient_familial": "99999999999999999999"},
        "inférieure ou égale à 2147483647",
    ),
    # Dates impossibles ou invraisemblables.
    (
        "familles:modifier_famille",
        {"bloc": "caf"},
        {"quotient_familial_date": "2026-02-31"},
        "Saisissez une date valide.",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "caf"},
        {"quotient_familial_date": "1800-01-01"},
        "Vérifiez l&#x27;année de cette date.",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "caf"},
        {"quotient_familial_date": "2999-01-01"},
        "Cette date ne peut pas être dans le futur.",
    ),
    (
        "familles:ajouter_enfant",
        {},
        {"nom": "DUPONT", "prenom": "Léa", "sexe": "F", "date_naissance": "2099-01-01"},
        "La date de naissance doit être dans le passé.",
    ),
    # Choix inconnus.
    (
        "familles:modifier_famille",
        {"bloc": "caf"},
        {"regime": "inconnu"},
        "Sélectionnez un choix valide.",
    ),
    (
        "familles:ajouter_enfant",
        {},
        {"nom": "DUPONT", "prenom": "Léa", "sexe": "Z", "date_naissance": "2019-01-01"},
        "Sélectionnez un choix valide.",
    ),
    (
        "pieces:transmettre",
        {},
        {"type": "999999", "commentaire": "x"},
        "Sélectionnez un choix valide.",
    ),
    # Balises et champs manquants.
    (
        "familles:ajouter_enfant",
        {},
        {"nom": "DUPONT", "prenom": "<script>x</script>", "sexe": "F"},
        "Utilisez uniquement des lettres",
    ),
    (
        "familles:modifier_famille",
        {"bloc": "caf"},
        {"numero_allocataire": "<b>123</b>"},
        "Les caractères &lt; &gt; { } et \\ ne sont pas acceptés.",
    ),
    ("familles:ajouter_enfant", {}, {}, "Ce champ est obligatoire."),
    ("familles:ajouter_conjoint", {}, {}, "Ce champ est obligatoire."),
    ("demandes:message_ecrire", {}, {"sujet": "", "texte": ""}, "Ce champ est obligatoire."),
    (
        "demandes:message_ecrire",
        {},
        {"sujet": "x" * 1000, "texte": "Bonjour"},
        "au plus 200 caractères",
    ),
]


@pytest.mark.parametrize(
    ("nom", "kwargs", "donnees", "message"),
    SAISIES,
    ids=[f"{s[0]}-{'-'.join(s[2]) or 'vide'}" for s in SAISIES],
)
def test_une_saisie_trafiquee_est_refusee_en_francais(nom, kwargs, donnees, message, client_parent):
    avant = _rien_ne_change()
    # Un navigateur envoie toujours le jeton CSRF : même « vide », le formulaire est lié.
    reponse = client_parent.post(reverse(nom, kwargs=kwargs), {**donnees, **JETON})
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert _rien_ne_change() == avant


def test_le_balisage_saisi_n_est_jamais_rendu_tel_quel(client_parent):
    reponse = client_parent.post(
        reverse("demandes:message_ecrire"), {"sujet": "<script>alert(1)</script>", "texte": ""}
    )
    contenu = reponse.content.decode()
    assert "<script>alert(1)</script>" not in contenu
    assert "&lt;script&gt;" in contenu


@pytest.fixture
def paiement_ouvert(configuration):
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=True)
    cache.clear()


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["abc"], "Cette facture ne peut pas être payée en ligne."),
        (["-1"], "Cette facture ne peut pas être payée en ligne."),
        (["999999999"], "Cette facture ne peut pas être payée en ligne."),
        (["1e3"], "Cette facture ne peut pas être payée en ligne."),
        ([], "Cochez au moins une facture à payer."),
    ],
)
def test_paiement_avec_des_factures_trafiquees(
    ids, message, client_parent, famille, paiement_ouvert
):
    objets.facture(famille)
    reponse = client_parent.post(reverse("facturation:paiement"), {"factures": ids, **JETON})
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert not TransactionPaiement.objects.exists()


def test_payer_la_facture_d_une_autre_famille_est_refuse(
    client_parent, famille, autre_famille, paiement_ouvert
):
    objets.facture(famille)
    autre = objets.facture(autre_famille)
    reponse = client_parent.post(reverse("facturation:paiement"), {"factures": [autre.pk]})
    assert reponse.status_code == 200
    assert "Cette facture ne peut pas être payée en ligne." in reponse.content.decode()
    assert not TransactionPaiement.objects.exists()


def test_recu_demande_deux_fois_ne_cree_qu_une_demande(client_parent, famille):
    reglement = objets.reglement(famille)
    url = reverse("facturation:reglement_recevoir", kwargs={"pk": reglement.pk})
    client_parent.post(url)
    reponse = client_parent.post(url, follow=True)
    assert Demande.objects.filter(famille=famille).count() == 1
    assert "déjà" in reponse.content.decode()


# Paramètres d'URL absurdes : 404 ou page normale, jamais d'erreur 500.
PARAMETRES = [
    ("facturation:releve", {"annee": "abc"}, 200),
    ("facturation:releve", {"annee": "99999999999999999999"}, 200),
    ("facturation:releve", {"annee": "-1"}, 200),
    ("demandes:historique", {"type": "<script>", "page": "abc"}, 200),
    ("demandes:historique", {"page": "-99999999999999999999"}, 200),
    ("demandes:messages", {"rubrique": "<script>", "page": "x"}, 200),
    ("demandes:message_ecrire", {"reponse": "99999999999999999999"}, 404),
    ("demandes:message_ecrire", {"reponse": "abc"}, 200),
    ("pieces:transmettre", {"type": "99999999999999999999", "enfant": "-1"}, 200),
    ("reservations:reserver", {"periode": "abc"}, 404),
    ("reservations:reserver", {"periode": "99999999999999999999"}, 404),
    ("reservations:reserver", {"periode": "1", "enfant": "abc"}, 404),
    ("reservations:imprimer", {"periode": "-1"}, 404),
]


@pytest.mark.parametrize(("nom", "parametres", "statut"), PARAMETRES)
def test_parametres_absurdes(nom, parametres, statut, client_parent):
    reponse = client_parent.get(reverse(nom), parametres)
    assert reponse.status_code == statut
    assert "<script>" not in reponse.content.decode().split("</nav>", 1)[-1]


@pytest.mark.parametrize(
    ("enfant_id", "annee", "mois"), [(1, 2026, 13), (1, 1, 1), (1, 99999, 1), (99999999, 2026, 1)]
)
def test_planning_hors_bornes_404(enfant_id, annee, mois, client_parent):
    url = reverse(
        "reservations:planning_mois", kwargs={"enfant_id": enfant_id, "annee": annee, "mois": mois}
    )
    assert client_parent.get(url).status_code == 404
