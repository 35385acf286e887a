"""Écriture d'un fichier vérifié : créations et mises à jour groupées, avec l'historique."""

from collections.abc import Iterable
from typing import Any

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import Enfant, Famille, Responsable, Role
from .bilan import Bilan, Compteurs, Progression
from .colonnes import CHAMPS_ADULTE, CHAMPS_ENFANT, CHAMPS_FAMILLE
from .verification import LigneFamille, LignePersonne

TAILLE_LOT = 2000


def _appliquer(objet: Any, valeurs: dict[str, Any], champs: dict[str, str]) -> set[str]:
    """Copie les cellules non vides sur l'objet ; renvoie les champs réellement changés.

    Une cellule vide ne vide pas le champ : le portail garde ce que la famille a mis à jour.
    """
    changes = set()
    for colonne, attribut in champs.items():
        if colonne in valeurs and getattr(objet, attribut) != valeurs[colonne]:
            setattr(objet, attribut, valeurs[colonne])
            changes.add(attribut)
    return changes


def _cle_adulte(famille_id: int, role: str, prenom: str, nom: str) -> tuple:
    # Un seul responsable par famille (contrainte) : son nom peut changer d'un import à l'autre.
    if role == Role.RESPONSABLE:
        return (famille_id, Role.RESPONSABLE)
    return (famille_id, role, prenom.casefold(), nom.casefold())


def _par_lots(ids: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(ids), TAILLE_LOT):
        yield ids[i : i + TAILLE_LOT]


def ecrire(
    familles_lues: dict[str, LigneFamille],
    personnes: list[LignePersonne],
    bilan: Bilan,
    auteur: Any,
    motif: str,
    progression: Progression,
) -> None:
    numeros = list(familles_lues)
    existantes: dict[str, Famille] = {}
    for lot in _par_lots(numeros):
        existantes.update((f.numero, f) for f in Famille.objects.filter(numero__in=lot))

    nouvelles, modifiees, champs_modifies = [], [], set()
    for numero, lue in familles_lues.items():
        famille = existantes.get(numero)
        if famille is None:
            famille = Famille(numero=numero)
            _appliquer(famille, lue.valeurs, CHAMPS_FAMILLE)
            nouvelles.append(famille)
        else:
            changes = _appliquer(famille, lue.valeurs, CHAMPS_FAMILLE)
            if changes:
                modifiees.append(famille)
                champs_modifies |= changes
    historique = {"default_user": auteur, "default_change_reason": motif[:100]}
    if nouvelles:
        # PostgreSQL renvoie les identifiants créés : pas de relecture.
        for famille in bulk_create_with_history(
            nouvelles, Famille, batch_size=TAILLE_LOT, **historique
        ):
            existantes[famille.numero] = famille
    if modifiees:
        bulk_update_with_history(
            modifiees, Famille, sorted(champs_modifies), batch_size=TAILLE_LOT, **historique
        )
    bilan.familles = Compteurs(
        len(nouvelles), len(modifiees), len(numeros) - len(nouvelles) - len(modifiees)
    )
    progression(f"Familles traitées : {bilan.familles}.")

    ids = [existantes[n].pk for n in numeros]
    adultes: dict[tuple, Responsable] = {}
    enfants: dict[tuple, Enfant] = {}
    for lot in _par_lots(ids):
        for adulte in Responsable.objects.filter(famille_id__in=lot):
            adultes[_cle_adulte(adulte.famille_id, adulte.role, adulte.prenom, adulte.nom)] = adulte
        for enfant in Enfant.objects.filter(famille_id__in=lot):
            enfants[(enfant.famille_id, enfant.prenom.casefold(), enfant.date_naissance)] = enfant

    adultes_crees: list[Responsable] = []
    adultes_modifies: list[Responsable] = []
    enfants_crees: list[Enfant] = []
    enfants_modifies: list[Enfant] = []
    champs_adultes: set[str] = set()
    champs_enfants: set[str] = set()
    nb_adultes = nb_enfants = 0
    # Garde alternée : les seconds foyers cités, du fichier ou déjà dans le portail.
    seconds = {p.valeurs["second_foyer"] for p in personnes if "second_foyer" in p.valeurs}
    foyers = {n: f.pk for n, f in existantes.items() if n in seconds}
    foyers.update(
        Famille.objects.filter(numero__in=seconds - set(foyers)).values_list("numero", "pk")
    )
    for personne in personnes:
        famille = existantes[personne.numero]
        v = personne.valeurs
        if "second_foyer" in v:
            v = {**v, "second_foyer": foyers[v["second_foyer"]]}
        if personne.type == "enfant":
            nb_enfants += 1
            enfant_existant = enfants.get((famille.pk, v["prenom"].casefold(), v["date_naissance"]))
            if enfant_existant is None:
                nouvel_enfant = Enfant(famille=famille)
                _appliquer(nouvel_enfant, v, CHAMPS_ENFANT)
                enfants_crees.append(nouvel_enfant)
            elif changes := _appliquer(enfant_existant, v, CHAMPS_ENFANT):
                enfants_modifies.append(enfant_existant)
                champs_enfants |= changes
            continue
        nb_adultes += 1
        adulte_existant = adultes.get(_cle_adulte(famille.pk, personne.type, v["prenom"], v["nom"]))
        if adulte_existant is None:
            nouvel_adulte = Responsable(famille=famille, role=personne.type)
            _appliquer(nouvel_adulte, v, CHAMPS_ADULTE)
            adultes_crees.append(nouvel_adulte)
        elif changes := _appliquer(adulte_existant, v, CHAMPS_ADULTE):
            adultes_modifies.append(adulte_existant)
            champs_adultes |= changes

    if adultes_crees:
        bulk_create_with_history(adultes_crees, Responsable, batch_size=TAILLE_LOT, **historique)
    if adultes_modifies:
        bulk_update_with_history(
            adultes_modifies,
            Responsable,
            sorted(champs_adultes),
            batch_size=TAILLE_LOT,
            **historique,
        )
    bilan.adultes = Compteurs(
        len(adultes_crees),
        len(adultes_modifies),
        nb_adultes - len(adultes_crees) - len(adultes_modifies),
    )
    progression(f"Adultes traités : {bilan.adultes}.")
    if enfants_crees:
        bulk_create_with_history(enfants_crees, Enfant, batch_size=TAILLE_LOT, **historique)
    if enfants_modifies:
        bulk_update_with_history(
            enfants_modifies, Enfant, sorted(champs_enfants), batch_size=TAILLE_LOT, **historique
        )
    bilan.enfants = Compteurs(
        len(enfants_crees),
        len(enfants_modifies),
        nb_enfants - len(enfants_crees) - len(enfants_modifies),
    )
    progression(f"Enfants traités : {bilan.enfants}.")
