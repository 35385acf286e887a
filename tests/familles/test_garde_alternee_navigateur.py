"""Parcours dans Chromium : Paul BERNARD, second foyer d'Hugo, ouvre « Mes enfants », voit
Hugo et demande un changement de ses données sanitaires ; il ne voit jamais les personnes
autorisées de Claire MARTIN."""

import re

from playwright.sync_api import expect

from demandes.models import Demande
from familles.models import PersonneAutorisee
from tests.conftest import connecter_navigateur, verifier_accessibilite, verifier_largeur_mobile
from tests.factories import EnfantFactory, FamilleFactory, ResponsableFactory, compte_de


def test_paul_bernard_voit_hugo_et_demande_un_changement_de_sante(page, configuration):
    martin = FamilleFactory(nom="MARTIN", adresse="3 place de la mairie")
    ResponsableFactory(famille=martin, prenom="Claire", civilite="MME")
    bernard = FamilleFactory(nom="BERNARD", adresse="8 rue des Tilleuls")
    ResponsableFactory(famille=bernard, prenom="Paul")
    hugo = EnfantFactory(famille=martin, second_foyer=bernard, prenom="Hugo", sexe="M")
    PersonneAutorisee.objects.create(
        enfant=hugo, famille=martin, prenom="Sophie", nom="LEROY", telephone="06 11 22 33 44"
    )
    PersonneAutorisee.objects.create(
        enfant=hugo, famille=bernard, prenom="Marc", nom="PETIT", telephone="06 55 44 33 22"
    )

    connecter_navigateur(page, compte_de(bernard))
    page.goto(f"{page.base_url}/renseignements/mes-enfants/")
    expect(page.get_by_role("heading", name="Hugo MARTIN")).to_be_visible()
    expect(page.get_by_text("Garde alternée : la fiche de l'enfant est partagée")).to_be_visible()
    expect(page.get_by_text("8 rue des Tilleuls")).to_be_visible()
    expect(page.get_by_text("Marc PETIT")).to_be_visible()
    expect(page.get_by_text("Sophie LEROY")).to_have_count(0)
    expect(page.get_by_text("06 11 22 33 44")).to_have_count(0)
    expect(page.get_by_text("Claire")).to_have_count(0)
    expect(page.get_by_text("3 place de la mairie")).to_have_count(0)
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    page.get_by_role("link", name="Modifier les données sanitaires de Hugo").click()
    expect(
        page.get_by_role("heading", name=re.compile("Données sanitaires de Hugo"))
    ).to_be_visible()
    page.get_by_label("Allergies").fill("Arachide")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Votre demande a été transmise à la mairie.")).to_be_visible()
    expect(
        page.get_by_text("Modification en attente de validation par l'administrateur")
    ).to_be_visible()
    demande = Demande.objects.get()
    assert demande.famille == bernard and demande.cible == hugo
    assert [ligne.nouvelle_valeur for ligne in demande.lignes.all()] == ["Arachide"]
    expect(page.get_by_text("Sophie LEROY")).to_have_count(0)
