"""En-têtes de sécurité sur les pages des parents, la connexion et les fichiers privés."""

import re

import pytest
from django.urls import reverse

from tests.factories import compte_de

from . import objets

pytestmark = pytest.mark.django_db


def _verifier_entetes_communs(reponse) -> None:
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["Referrer-Policy"] == "same-origin"
    assert reponse["Cross-Origin-Opener-Policy"] == "same-origin"
    politique = reponse["Content-Security-Policy"]
    assert "script-src 'self';" in politique
    assert "object-src 'none'" in politique
    assert "frame-ancestors 'none'" in politique


def test_aucun_gabarit_n_ecrit_de_script_en_ligne() -> None:
    """La politique interdit les scripts en ligne : ils iraient dans static/js/."""
    from pathlib import Path

    from django.conf import settings

    fautifs = []
    dossier = Path(settings.BASE_DIR, "templates")
    gabarits = [*dossier.rglob("*.html"), *dossier.rglob("*.jinja")]
    assert any(g.suffix == ".jinja" for g in gabarits)  # la grille du planning
    for gabarit in gabarits:
        texte = gabarit.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", texte) or re.search(
            r"\son[a-z]+\s*=\s*[\"']", texte
        ):
            fautifs.append(str(gabarit))
    assert fautifs == []


@pytest.mark.parametrize(
    "nom", ["portail:accueil", "familles:renseignements", "facturation:factures", "pieces:liste"]
)
def test_une_page_parent_porte_les_en_tetes_de_securite(nom, client_parent):
    reponse = client_parent.get(reverse(nom))
    assert reponse.status_code == 200
    _verifier_entetes_communs(reponse)
    # La page dépend du compte : aucun cache partagé ne doit la servir à un autre.
    assert "Cookie" in reponse.get("Vary", "")


def test_la_page_de_connexion_porte_les_en_tetes_et_un_jeton_csrf(client, configuration):
    reponse = client.get(reverse("account_login"))
    assert reponse.status_code == 200
    _verifier_entetes_communs(reponse)
    assert 'name="csrfmiddlewaretoken"' in reponse.content.decode()


def test_un_post_sans_jeton_csrf_est_refuse(client, famille):
    from django.test import Client

    navigateur = Client(enforce_csrf_checks=True)
    navigateur.force_login(compte_de(famille))
    reponse = navigateur.post(
        reverse("familles:modifier_famille", kwargs={"bloc": "caf"}), {"regime": "general"}
    )
    assert reponse.status_code == 403


@pytest.mark.parametrize(
    ("nom", "fabrique", "cle"),
    [
        ("pieces:fichier", objets.piece, "pk"),
        ("demandes:message_piece_jointe", objets.message, "pk"),
        ("reservations:absence_certificat", objets.absence, "absence_id"),
        ("facturation:facture_pdf", objets.facture, "pk"),
    ],
)
def test_un_fichier_prive_n_est_ni_devine_ni_mis_en_cache(
    nom, fabrique, cle, client_parent, famille
):
    reponse = client_parent.get(reverse(nom, kwargs={cle: fabrique(famille).pk}))
    assert reponse.status_code == 200
    _verifier_entetes_communs(reponse)
    assert reponse["Cache-Control"] == "private, no-store"
    assert reponse["Content-Disposition"].startswith(("attachment;", "inline;"))


def test_les_fichiers_prives_ne_sont_pas_servis_par_une_url_publique(
    client, client_parent, famille, settings
):
    piece = objets.piece(famille)
    for url in (
        settings.MEDIA_URL + piece.fichier.name,
        "/media/" + piece.fichier.name,
        "/static/../" + piece.fichier.name,
    ):
        assert client_parent.get(url).status_code == 404
