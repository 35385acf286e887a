from typing import Any

import pytest

from familles.models import PersonneAutorisee, Responsable, Role

from ..factories import EnfantFactory, FamilleFactory, ResponsableFactory


@pytest.fixture
def jean(famille) -> Responsable:
    return famille.responsables.get(role=Role.RESPONSABLE)


@pytest.fixture
def lise(famille):
    return famille.enfants.get()


@pytest.fixture
def conjoint(famille):
    return ResponsableFactory(
        famille=famille, role=Role.CONJOINT, prenom="Jeanne", qualite="mere", civilite="MME"
    )


@pytest.fixture
def mamie(lise) -> PersonneAutorisee:
    return PersonneAutorisee.objects.create(
        enfant=lise,
        famille=lise.famille,
        nom="DURAND",
        prenom="Martine",
        telephone="06 12 34 56 78",
        lien="Grand-mère",
    )


def grande_famille(nombre_enfants: int):
    """Une famille avec un conjoint et ``nombre_enfants`` enfants ayant chacun 2 personnes
    autorisées et une demande en attente."""
    from demandes.services import Ligne, demande_creer

    famille: Any = FamilleFactory()
    jean = ResponsableFactory(famille=famille)
    ResponsableFactory(famille=famille, role=Role.CONJOINT, prenom="Jeanne")
    for i in range(nombre_enfants):
        enfant: Any = EnfantFactory(famille=famille, adresse_de=jean)
        for j in range(2):
            PersonneAutorisee.objects.create(
                enfant=enfant,
                famille=famille,
                nom="DURAND",
                prenom=f"P{i}x{j}",
                telephone="0612345678",
            )
        demande_creer(
            famille=famille,
            type="sanitaire",
            resume=f"Modification de 1 renseignement pour {enfant.prenom}",
            lignes=[Ligne(libelle="Allergies", champ="allergies", nouvelle_valeur="Arachide")],
            cible=enfant,
        )
    return famille
