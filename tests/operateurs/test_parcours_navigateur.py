import re
from datetime import timedelta
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from portail.noyau.models import User
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile

EXEMPLE = Path(__file__).resolve().parents[2] / "docs" / "exemple_familles.csv"


def _se_connecter(page, identifiant: str, mot_de_passe: str) -> None:
    page.goto(page.base_url + "/compte/login/")
    page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()


def test_de_l_import_a_la_premiere_connexion_avec_les_identifiants_recus(page, configuration):
    # L'opérateur importe les familles puis envoie les identifiants.
    call_command("importer_familles", str(EXEMPLE))
    call_command("envoyer_identifiants", "--nouvelles")
    # Un compte par adulte qui a une adresse : Sophie (responsable, numéro de famille), Marc
    # (conjoint, son e-mail) ; Karim PETIT, sans e-mail à lui, à l'adresse du foyer.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "marc.leroy@example.fr",
        "petit.famille@example.fr",
        "sophie.leroy@example.fr",
    ]
    courriers = {m.to[0]: m.body for m in mail.outbox}
    trouve = re.search(r"Mot de passe temporaire : (\S+)", courriers["sophie.leroy@example.fr"])
    assert trouve
    mot_de_passe = trouve.group(1)

    # Un mot de passe temporaire expiré est refusé, avec un message clair.
    User.objects.filter(username="2002").update(
        mot_de_passe_temporaire_expire_le=timezone.now() - timedelta(hours=1)
    )
    mot_de_passe_petit = re.search(
        r"Mot de passe temporaire : (\S+)", courriers["petit.famille@example.fr"]
    )
    assert mot_de_passe_petit
    _se_connecter(page, "2002", mot_de_passe_petit.group(1))
    expect(page.get_by_text("a expiré")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    # La famille LEROY se connecte avec son numéro et le mot de passe reçu…
    _se_connecter(page, "2001", mot_de_passe)
    # … et doit d'abord choisir son propre mot de passe.
    expect(page).to_have_url(re.compile(r"/premiere-connexion/"))
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
    page.get_by_label("Nouveau mot de passe").fill("Sophie-Carnin-2026")
    page.get_by_label("Retapez le même mot de passe").fill("Sophie-Carnin-2026")
    page.get_by_label("J'accepte les conditions d'utilisation").check()
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(page.base_url + "/")
    expect(page.get_by_role("heading", name=re.compile("Bienvenue Sophie LEROY"))).to_be_visible()

    compte = User.objects.get(username="2001")
    assert not compte.doit_changer_mot_de_passe
    assert compte.check_password("Sophie-Carnin-2026")
