"""Aucune page d'une famille n'est gardée par un navigateur ou un intermédiaire : chaque page
du menu part en ``Cache-Control: private, no-store`` (``PagesPriveesMiddleware``), et après la
déconnexion la même adresse ne montre plus rien de la famille."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from familles.models import Famille
from tests.factories import compte_de

from .test_requetes_par_page import PAGES


def _directives(reponse) -> set[str]:
    return {d.strip() for d in reponse["Cache-Control"].split(",")}


def test_chaque_page_du_menu_est_privee_et_jamais_gardee(client, db):
    call_command("demo", stdout=StringIO())
    famille = Famille.objects.get(numero="1001")
    client.force_login(compte_de(famille))
    adresses = []
    for nom in PAGES:
        reponse = client.get(reverse(nom), follow=True)
        assert reponse.status_code == 200, nom
        assert {"private", "no-store"} <= _directives(reponse), nom
        adresses.append(reponse.redirect_chain[-1][0] if reponse.redirect_chain else reverse(nom))

    client.post(reverse("account_logout"))
    for adresse in adresses:
        reponse = client.get(adresse)
        assert reponse.status_code == 302, adresse
        assert reponse.url.startswith(reverse("account_login")), adresse
        assert "DUPONT" not in reponse.content.decode()
