"""La migration 0006 : chaque personne autorisée déjà enregistrée passe au foyer de l'enfant."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from familles.models import PersonneAutorisee

from .test_migration_comptes import _migrer, _migrer_tout

AVANT = [("familles", "0005_compte_par_adulte_second_foyer")]
APRES = [("familles", "0006_personnes_autorisees_par_foyer")]


@pytest.mark.django_db(transaction=True)
def test_les_personnes_autorisees_existantes_passent_au_foyer_de_l_enfant():
    anciennes = _migrer(AVANT)
    try:
        Famille = anciennes.get_model("familles", "Famille")
        Enfant = anciennes.get_model("familles", "Enfant")
        Ancienne = anciennes.get_model("familles", "PersonneAutorisee")
        martin = Famille.objects.create(numero="7101", nom="MARTIN")
        bernard = Famille.objects.create(numero="7102", nom="BERNARD")
        hugo = Enfant.objects.create(famille=martin, second_foyer=bernard, nom="M", prenom="Hugo")
        lise = Enfant.objects.create(famille=bernard, nom="B", prenom="Lise")
        Ancienne.objects.create(enfant=hugo, nom="LEROY", prenom="Sophie", telephone="06")
        Ancienne.objects.create(enfant=lise, nom="ROUX", prenom="Léa", telephone="06")
    finally:
        _migrer(_migrer_tout())

    foyers = dict(PersonneAutorisee.objects.values_list("prenom", "famille__numero"))
    # Hugo est en garde alternée : sa personne autorisée d'avant reste celle de son foyer.
    assert foyers == {"Sophie": "7101", "Léa": "7102"}
    assert APRES[0] in MigrationExecutor(connection).loader.applied_migrations
