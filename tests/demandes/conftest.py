"""Deux types de demande de test qui modifient vraiment la fiche Famille (aucun simulacre)."""

import time
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError

from familles.models import Famille
from portail.noyau.registre import Branchement, TypeDemande, brancher, debrancher

CHAMPS_MODIFIABLES = {"adresse", "ville", "code_postal", "email", "titulaire_compte"}
# Chaque application réelle ajoute ici l'id de la demande : le test de concurrence compte.
APPLICATIONS: list[int] = []
REGLAGES = {"pause": 0.0}


def _appliquer(*, demande, lignes) -> str:
    famille = Famille.objects.select_for_update().get(pk=demande.famille_id)
    APPLICATIONS.append(demande.pk)
    if REGLAGES["pause"]:
        time.sleep(REGLAGES["pause"])
    champs = []
    for ligne in lignes:
        if ligne.champ not in CHAMPS_MODIFIABLES:
            raise ValidationError(f"Le champ « {ligne.champ} » ne peut pas être modifié.")
        setattr(famille, ligne.champ, ligne.nouvelle_valeur)
        champs.append(ligne.champ)
    if champs:
        famille.save(update_fields=champs)
    pluriel = "s" if len(champs) > 1 else ""
    return f"{len(champs)} renseignement{pluriel} modifié{pluriel}"


def _valeur_actuelle(*, ligne) -> str | None:
    valeur = (
        Famille.objects.filter(pk=ligne.demande.famille_id).values_list(ligne.champ, flat=True)
    ).first()
    return None if valeur is None else str(valeur)


def _decrire(*, lignes) -> dict[int, str]:
    if not lignes:
        return {}
    famille = Famille.objects.get(pk=lignes[0].demande.famille_id)
    return {ligne.pk: f"Valeur en base : {getattr(famille, ligne.champ)}" for ligne in lignes}


TYPE_FAMILLE = TypeDemande(
    code="test_famille",
    libelle="Informations famille (test)",
    appliquer=_appliquer,
    valeur_actuelle=_valeur_actuelle,
    filtre="Famille (test)",
)
TYPE_LIGNES = TypeDemande(
    code="test_lignes",
    libelle="Lignes (test)",
    appliquer=_appliquer,
    valeur_actuelle=_valeur_actuelle,
    ligne_par_ligne=True,
    decrire=_decrire,
)


@pytest.fixture(autouse=True)
def types_de_test() -> Iterator[None]:
    brancher(Branchement("tests_demandes", types_demande=(TYPE_FAMILLE, TYPE_LIGNES)))
    APPLICATIONS.clear()
    REGLAGES["pause"] = 0.0
    yield
    debrancher("tests_demandes")
