"""Demandes de test, créées par le vrai service demande_creer."""

from demandes.models import Demande
from demandes.services import Ligne, demande_creer
from tests.factories import compte_de


def demande_famille(
    famille, *, ville: str = "LENS", type: str = "test_famille", **kwargs
) -> Demande:
    """Une demande de changement de ville de la famille, comme l'enverrait un parent."""
    return demande_creer(
        famille=famille,
        type=type,
        resume=kwargs.pop("resume", f"Modification de 1 renseignement pour {famille.nom}"),
        lignes=kwargs.pop(
            "lignes",
            [
                Ligne(
                    libelle="Ville",
                    champ="ville",
                    ancienne_valeur=famille.ville,
                    nouvelle_valeur=ville,
                )
            ],
        ),
        personne=kwargs.pop("personne", famille.nom),
        auteur=kwargs.pop("auteur", None) or compte_de(famille),
        **kwargs,
    )


def demande_lignes(famille) -> Demande:
    """Une demande traitée ligne par ligne : ville et code postal."""
    return demande_creer(
        famille=famille,
        type="test_lignes",
        resume="Deux changements",
        lignes=[
            Ligne(
                libelle="Ville",
                champ="ville",
                ancienne_valeur=famille.ville,
                nouvelle_valeur="LENS",
            ),
            Ligne(
                libelle="Code postal",
                champ="code_postal",
                ancienne_valeur=famille.code_postal,
                nouvelle_valeur="62300",
            ),
        ],
        auteur=compte_de(famille),
    )
