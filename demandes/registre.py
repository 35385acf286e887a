"""Les types de demande, déclarés par l'application qui sait les appliquer.

Chaque application métier appelle ``enregistrer_type(...)`` dans son AppConfig.ready() :
demandes ne connaît ainsi aucune application métier.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Demande, LigneDemande


@dataclass(frozen=True)
class TypeDemande:
    code: str
    libelle: str
    # Applique les lignes acceptées, dans la transaction du traitement ; renvoie la réponse
    # par défaut montrée à la famille ("8 réservations validées"). Lève ValidationError
    # (message en français) si la demande ne peut plus être appliquée.
    appliquer: Callable[..., str]
    # Optionnel : appelé au refus (par un agent, ou automatique : agent=None), dans la même
    # transaction (libérer une place, etc.). refuser(*, demande, agent) -> None.
    refuser: Callable[..., None] | None = None
    # Optionnel : appelé quand la famille supprime sa demande en attente (demande_annuler),
    # dans la même transaction. Sans ce crochet, rien de propre au métier n'est fait.
    # annuler(*, demande) -> None.
    annuler: Callable[..., None] | None = None
    # Optionnel : valeur actuelle d'une ligne, pour avertir l'agent qu'elle a changé depuis.
    valeur_actuelle: Callable[["LigneDemande"], str | None] | None = None
    # Optionnel : appelé après le traitement (hors transaction, via on_commit), ex. un envoi.
    apres_traitement: Callable[["Demande"], Any] | None = None
    # Les lignes peuvent être acceptées ou refusées une à une (réservations).
    ligne_par_ligne: bool = False
    # Optionnel : une information par ligne pour l'agent (ex. « 3 places restantes »),
    # calculée en un nombre fixe de requêtes pour toutes les lignes : {id de ligne: texte}.
    infos_lignes: Callable[[list["LigneDemande"]], dict[int, str]] | None = None
    # Libellé du filtre dans l'historique (par défaut : libelle).
    filtre: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def libelle_filtre(self) -> str:
        return self.filtre or self.libelle


TYPES: dict[str, TypeDemande] = {}


def enregistrer_type(type_demande: TypeDemande) -> None:
    TYPES[type_demande.code] = type_demande


def type_demande(code: str) -> TypeDemande:
    try:
        return TYPES[code]
    except KeyError as exc:
        raise LookupError(f"Type de demande inconnu : {code}") from exc


def choix_types() -> list[tuple[str, str]]:
    return sorted(((t.code, t.libelle_filtre) for t in TYPES.values()), key=lambda c: c[1])


def libelle_type(code: str) -> str:
    """Le libellé d'un type pour l'affichage ; le code si le type n'est plus déclaré."""
    definition = TYPES.get(code)
    return definition.libelle if definition is not None else code
