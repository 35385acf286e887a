import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from portail.noyau.configuration import vider_cache_configuration
from portail.noyau.interrupteurs import fonctionnalite_requise
from portail.noyau.models import Configuration
from portail.noyau.registre import Branchement, EntreeMenu, brancher, debrancher


def _png() -> bytes:
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 80, 160)).save(tampon, format="PNG")
    return tampon.getvalue()


def test_configuration_modifiee_dans_l_admin_et_utilisee_partout(client_agent, configuration):
    client = Client()  # un visiteur anonyme, à côté de l'agent connecté
    url = reverse("admin:portail_configuration_change", args=[1])
    donnees = {
        "nom_commune": "Haisnes",
        "email_contact": "mairie@haisnes.example.fr",
        "site_web": "https://haisnes.example.fr/",
        "cgu_texte": "Texte.",
        "cgu_version": "1",
        "zone_scolaire": "B",
        "reservations_actives": "on",
        "modes_de_paiement": "En mairie.",
        "accessibilite_statut": "non",
        "signataire_attestations": "Anne MAIRE, maire",
        "impayes_jours": "30",
        "logo": SimpleUploadedFile("logo.png", _png(), content_type="image/png"),
    }
    reponse = client_agent.post(url, donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    reponse = client.get(reverse("account_login"))
    page = reponse.content.decode()
    assert "Haisnes" in page, (reponse.status_code, reponse.headers)
    assert "mairie@haisnes.example.fr" in page
    assert ">Accessibilité : non conforme</a>" in page
    assert Configuration.objects.get().signataire_attestations == "Anne MAIRE, maire"
    assert 'src="/logo/?v=' in page
    logo = client.get(reverse("portail:logo"))
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")
    # Le fichier n'est servi par aucune URL de médias publique.
    chemin = Configuration.objects.get().logo.name
    assert client.get(f"/prive-non-servi/{chemin}").status_code == 404


def test_logo_qui_n_est_pas_une_image_refuse(client_agent, configuration):
    url = reverse("admin:portail_configuration_change", args=[1])
    reponse = client_agent.post(
        url,
        {
            "nom_commune": "Haisnes",
            "email_contact": "mairie@example.fr",
            "site_web": "https://haisnes.example.fr/",
            "cgu_version": "1",
            "zone_scolaire": "B",
            "logo": SimpleUploadedFile("logo.png", b"%PDF-1.4 pas une image", "image/png"),
        },
    )
    assert reponse.status_code == 200
    assert not Configuration.objects.get().logo
    assert Configuration.objects.get().nom_commune == "Carnin (test)"


def test_sans_logo_la_page_du_logo_repond_404(client, configuration):
    assert client.get(reverse("portail:logo")).status_code == 404


@pytest.fixture
def entree_factures():
    entree = EntreeMenu(30, "Factures", "portail:conditions", "factures_actives")
    brancher(Branchement("tests_menu", menu=(entree,)))
    yield entree
    debrancher("tests_menu")


def test_interrupteur_cache_le_menu_et_la_page(client_parent, configuration, entree_factures):
    @fonctionnalite_requise("factures_actives")
    def vue(request):
        return HttpResponse("factures")

    requete = RequestFactory().get("/")
    assert vue(requete).status_code == 200
    assert ">Factures</a>" in client_parent.get(reverse("portail:accueil")).content.decode()
    configuration.factures_actives = False
    configuration.save()
    vider_cache_configuration()
    assert ">Factures</a>" not in client_parent.get(reverse("portail:accueil")).content.decode()
    from django.http import Http404

    with pytest.raises(Http404):
        vue(requete)


def test_interrupteur_inconnu_refuse_au_demarrage():
    with pytest.raises(ValueError):
        fonctionnalite_requise("inexistant")


def test_sante_repond_sans_connexion(client, db, settings):
    settings.REDIS_URL = ""
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    assert json.loads(reponse.content)["base"] == "ok"
    assert json.loads(reponse.content)["statut"] == "ok"


def test_sante_503_quand_le_broker_est_injoignable(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    donnees = json.loads(reponse.content)
    assert donnees["statut"] == "erreur"
    assert donnees["base"] == "ok"
    assert donnees["broker"].startswith("erreur")


def test_sante_avec_redis(client, db, settings):
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL non défini")
    settings.REDIS_URL = url
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    assert json.loads(reponse.content)["broker"] == "ok"
