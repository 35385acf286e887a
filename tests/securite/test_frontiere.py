"""La frontière des familles, URL par URL.

Toute URL nommée des applications du portail doit figurer dans une des trois listes
ci-dessous (pages d'une ligne de la famille, pages de la famille sans identifiant, pages
hors famille avec leur raison) : une nouvelle URL oubliée fait échouer
``test_chaque_url_du_portail_est_classee``.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.http import FileResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from demandes.models import Demande, Message
from familles.models import Famille
from tests.factories import UserFactory

from . import objets

pytestmark = pytest.mark.django_db

APPLICATIONS = ("portail", "familles", "demandes", "reservations", "facturation", "pieces")
# Ce qu'un parent malveillant pourrait poster : assez pour passer la validation des formulaires.
DONNEES_POST = {
    "motif": "famille",
    "commentaire": "essai",
    "sujet": "essai",
    "texte": "essai",
    "nom": "ESSAI",
    "prenom": "Essai",
}


@dataclass(frozen=True)
class UrlDeLigne:
    """Une page qui montre ou change une ligne d'une famille, désignée dans l'URL."""

    nom: str
    kwargs: Callable[[Famille], dict[str, Any]]
    post_seulement: bool = False
    fichier: bool = False

    def url(self, famille: Famille) -> str:
        return reverse(self.nom, kwargs=self.kwargs(famille))

    def __str__(self) -> str:
        return self.nom


def _pk(fabrique: Callable[[Famille], Any], cle: str = "pk") -> Callable[[Famille], dict]:
    return lambda famille: {cle: fabrique(famille).pk}


URLS_DE_LIGNE = [
    UrlDeLigne("familles:modifier_adulte", _pk(objets.responsable)),
    UrlDeLigne("familles:modifier_enfant", _pk(objets.enfant)),
    UrlDeLigne("familles:modifier_sanitaire", _pk(objets.enfant)),
    UrlDeLigne("familles:modifier_autorisations", _pk(objets.enfant)),
    UrlDeLigne("demandes:detail", _pk(objets.demande)),
    UrlDeLigne("demandes:supprimer", _pk(objets.demande)),
    UrlDeLigne("demandes:message", _pk(objets.message)),
    UrlDeLigne("demandes:message_supprimer", _pk(objets.message), post_seulement=True),
    UrlDeLigne("demandes:message_restaurer", _pk(objets.message), post_seulement=True),
    UrlDeLigne("demandes:message_piece_jointe", _pk(objets.message), fichier=True),
    UrlDeLigne(
        "reservations:planning_mois",
        lambda f: {"enfant_id": objets.enfant(f).pk, "annee": 2026, "mois": 11},
    ),
    UrlDeLigne("reservations:absence_declarer", _pk(objets.reservation, "reservation_id")),
    UrlDeLigne(
        "reservations:attente_quitter",
        _pk(objets.attente, "reservation_id"),
        post_seulement=True,
    ),
    UrlDeLigne("reservations:absence_certificat", _pk(objets.absence, "absence_id"), fichier=True),
    UrlDeLigne("facturation:facture_pdf", _pk(objets.facture), fichier=True),
    UrlDeLigne("facturation:facture_recevoir", _pk(objets.facture), post_seulement=True),
    UrlDeLigne("facturation:reglement_recu_pdf", _pk(objets.reglement), fichier=True),
    UrlDeLigne("facturation:reglement_recevoir", _pk(objets.reglement), post_seulement=True),
    UrlDeLigne("facturation:mandat_pdf", _pk(objets.mandat), fichier=True),
    UrlDeLigne("facturation:mandat_signer", _pk(objets.mandat), post_seulement=True),
    UrlDeLigne("facturation:paiement_resultat", lambda f: {"jeton": objets.transaction(f).jeton}),
    UrlDeLigne("pieces:fichier", _pk(objets.piece), fichier=True),
    UrlDeLigne("pieces:fiche_inscription", _pk(objets.enfant, "enfant_id"), fichier=True),
]

# Pages de la famille connectée, sans identifiant dans l'URL (les identifiants passés en
# paramètres GET ou POST sont éprouvés dans test_saisies_trafiquees.py).
URLS_DE_FAMILLE = [
    "portail:accueil",
    "portail:premiere_connexion",
    "portail:infos",
    "familles:renseignements",
    "familles:mon_compte",
    "familles:mes_enfants",
    "familles:ajouter_conjoint",
    "familles:ajouter_enfant",
    "demandes:historique",
    "demandes:messages",
    "demandes:message_ecrire",
    "reservations:index",
    "reservations:reserver",
    "reservations:imprimer",
    "reservations:planning",
    "facturation:factures",
    "facturation:reglements",
    "facturation:releve",
    "facturation:paiement",
    "facturation:prelevement",
    "facturation:prelevement_arret",
    "pieces:liste",
    "pieces:transmettre",
    "pieces:fiche_inscription_vierge",
]
# Vues dont l'URL porte un paramètre qui n'est pas une ligne de famille.
URLS_DE_FAMILLE_PARAMETREES: dict[str, dict[str, object]] = {
    "familles:modifier_famille": {"bloc": "fiscales"},
    # L'année d'une attestation : seulement celles où la famille connectée a payé
    # (facturation/test_attestations.py : une autre famille reçoit 404).
    "facturation:attestation_pdf": {"annee": 2026},
}

# Pages qui ne sont pas celles d'une famille, et pourquoi.
URLS_HORS_FAMILLE = {
    "portail:conditions": "conditions d'utilisation, lisibles avant la connexion",
    "portail:accessibilite": "déclaration d'accessibilité, publique",
    "portail:plan_du_site": "plan du site, public (les liens mènent à la connexion)",
    "portail:logo": "logo de la commune, affiché sur la page de connexion",
    "portail:sante": "supervision : état de la base et du broker, sans donnée",
    "facturation:paiement_notification": "appel serveur à serveur de PayFiP, "
    "qui ne croit que l'idOp et redemande le résultat à PayFiP (facturation/test_paiement.py)",
    "facturation:paiement_retour": "retour du navigateur depuis PayFiP, revérifié auprès de PayFiP",
    "facturation:simulateur_paiement": "simulateur PayFiP, 404 hors développement",
    "facturation:simulateur_service": "simulateur PayFiP, 404 hors développement",
    "facturation:simulateur_ressource": "simulateur PayFiP, 404 hors développement",
    "pieces:fichier_agent": "fichier d'une pièce pour les agents (test_fichiers_agents)",
    "pieces:document": "formulaire vierge de la mairie, pour tout compte connecté",
    "reservations:reglement_document": "règlement intérieur de la commune, le même pour "
    "toutes les familles connectées (test_reglement_interieur.py)",
    "reservations:reglement_accepter": "acceptation du règlement de la commune, enregistrée "
    "pour la seule famille connectée (test_reglement_interieur.py)",
}


def _noms_des_urls() -> set[str]:
    noms: set[str] = set()

    def parcourir(motifs: list, espace: str | None) -> None:
        for motif in motifs:
            if isinstance(motif, URLResolver):
                parcourir(motif.url_patterns, motif.namespace or espace)
            elif isinstance(motif, URLPattern) and espace in APPLICATIONS and motif.name:
                noms.add(f"{espace}:{motif.name}")

    parcourir(get_resolver().url_patterns, None)
    return noms


def test_chaque_url_du_portail_est_classee() -> None:
    classees = (
        {u.nom for u in URLS_DE_LIGNE}
        | set(URLS_DE_FAMILLE)
        | set(URLS_DE_FAMILLE_PARAMETREES)
        | set(URLS_HORS_FAMILLE)
    )
    noms = _noms_des_urls()
    assert "familles:modifier_adulte" in noms  # le parcours voit bien les URL des apps
    assert noms - classees == set(), "URL sans test de frontière : les ajouter à une liste"
    assert classees - noms == set(), "URL disparues : les retirer des listes"


def _est_un_fichier(reponse) -> bool:
    return isinstance(reponse, FileResponse) or reponse.get("Content-Type", "").startswith(
        "application/pdf"
    )


def _vers_connexion_ou_404(reponse) -> bool:
    if reponse.status_code == 404:
        return True
    return reponse.status_code == 302 and reponse["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("cas", URLS_DE_LIGNE, ids=str)
def test_la_ligne_d_une_autre_famille_repond_404(cas, client_parent, autre_famille):
    url = cas.url(autre_famille)
    demandes_avant = Demande.objects.count()
    messages_avant = list(Message.objects.values_list("pk", "supprime_le", "lu_le"))

    reponse_get = client_parent.get(url)
    reponse_post = client_parent.post(url, DONNEES_POST)

    assert reponse_get.status_code == (405 if cas.post_seulement else 404)
    assert reponse_post.status_code == 404
    assert not _est_un_fichier(reponse_get) and not _est_un_fichier(reponse_post)
    assert Demande.objects.count() == demandes_avant
    assert list(Message.objects.values_list("pk", "supprime_le", "lu_le")) == messages_avant


@pytest.mark.parametrize("cas", URLS_DE_LIGNE, ids=str)
def test_la_ligne_de_sa_famille_repond(cas, client_parent, famille):
    """Témoin : la même URL sert bien sa propre famille (le 404 ci-dessus n'est pas fortuit)."""
    url = cas.url(famille)
    if cas.post_seulement:
        assert client_parent.post(url).status_code == 302
        return
    reponse = client_parent.get(url)
    assert reponse.status_code == 200
    assert _est_un_fichier(reponse) == cas.fichier


@pytest.mark.parametrize("cas", URLS_DE_LIGNE, ids=str)
def test_un_anonyme_n_atteint_pas_une_ligne(cas, client, famille):
    url = cas.url(famille)
    demandes_avant = Demande.objects.count()
    for reponse in (client.get(url), client.post(url, DONNEES_POST)):
        if cas.post_seulement and reponse.request["REQUEST_METHOD"] == "GET":
            assert reponse.status_code in (302, 404, 405)
        else:
            assert _vers_connexion_ou_404(reponse), (reponse.status_code, url)
        assert not _est_un_fichier(reponse)
    if cas.fichier:
        # Un fichier privé n'est jamais servi à un anonyme, même sans redirection.
        assert client.get(url, follow=True).status_code in (200, 404)
        assert not _est_un_fichier(client.get(url, follow=True))
    assert Demande.objects.count() == demandes_avant


@pytest.mark.parametrize("cas", URLS_DE_LIGNE, ids=str)
def test_un_agent_sans_famille_n_atteint_pas_les_pages_parent(cas, client, agent, famille):
    """Les pages parent ne servent que la famille du compte : un agent passe par l'admin."""
    agent.user_permissions.set(Permission.objects.all())
    client.force_login(agent)
    url = cas.url(famille)
    assert client.get(url).status_code == (405 if cas.post_seulement else 404)
    assert client.post(url, DONNEES_POST).status_code == 404


def _urls_de_famille() -> list[tuple[str, dict]]:
    return [(nom, {}) for nom in URLS_DE_FAMILLE] + list(URLS_DE_FAMILLE_PARAMETREES.items())


@pytest.mark.parametrize(("nom", "kwargs"), _urls_de_famille(), ids=lambda v: str(v or ""))
def test_un_anonyme_est_renvoye_vers_la_connexion(nom, kwargs, client, famille):
    url = reverse(nom, kwargs=kwargs)
    demandes_avant = Demande.objects.count()
    for reponse in (client.get(url), client.post(url, DONNEES_POST)):
        assert _vers_connexion_ou_404(reponse), (reponse.status_code, url)
        assert not _est_un_fichier(reponse)
    assert Demande.objects.count() == demandes_avant


@pytest.mark.parametrize(
    "nom",
    # Accueil, première connexion et Infos (actualités de la mairie) ne montrent aucune donnée
    # de famille : tout compte connecté y a accès.
    [
        n
        for n in URLS_DE_FAMILLE
        if n not in {"portail:accueil", "portail:premiere_connexion", "portail:infos"}
    ]
    + list(URLS_DE_FAMILLE_PARAMETREES),
)
def test_un_compte_sans_famille_recoit_404(nom, client, configuration):
    """Un compte non-agent sans famille (rattachement supprimé) ne voit aucune donnée."""
    compte = UserFactory(username="sans-famille")
    client.force_login(compte)
    url = reverse(nom, kwargs=URLS_DE_FAMILLE_PARAMETREES.get(nom, {}))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("cas", URLS_DE_LIGNE, ids=str)
def test_un_identifiant_demesure_repond_404(cas, client_parent, famille):
    """Un identifiant hors des entiers de la base (ou un jeton inconnu) : 404, pas de 500."""
    kwargs = {
        cle: (10**20 if isinstance(valeur, int) else uuid.uuid4())
        for cle, valeur in cas.kwargs(famille).items()
    }
    url = reverse(cas.nom, kwargs=kwargs)
    assert client_parent.get(url).status_code == (405 if cas.post_seulement else 404)
    assert client_parent.post(url, DONNEES_POST).status_code == 404
