"""Le registre des applications : la seule façon de brancher une application métier.

Chaque application déclare, dans son module ``branchement.py``, un seul ``Branchement`` passé
à ``brancher(...)`` à l'import ; ``portail.apps`` importe ces modules au démarrage
(``autodiscover_modules("branchement")``, comme l'admin ses ``admin.py``). Un branchement
dit ses types de demande, ses entrées de menu, ses blocs de l'accueil, ses audiences de
messages, ses règles de conservation, son chargeur de démonstration et ses interrupteurs.
Le socle, le site et ``demandes`` lisent ce registre par les fonctions ci-dessous et ne
connaissent aucune application métier.

Les crochets d'un type de demande ont une seule forme, en arguments nommés :
``appliquer(*, demande, lignes) -> str``, ``refuser(*, demande)``, ``annuler(*, demande)``,
``apres_traitement(*, demande)``, ``decrire(*, lignes) -> {id de ligne: texte}`` et
``valeur_actuelle(*, ligne) -> str | None``. L'agent qui traite (ou None pour une règle
automatique) est déjà posé sur ``demande.traite_par`` quand un crochet est appelé.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from .adresses import adresse_fixe
from .models import Configuration

if TYPE_CHECKING:
    from .conservation import RegleConservation


# --- Ce qu'une application peut apporter ---------------------------------------------------


RUBRIQUE_COMPTE = "compte"
RUBRIQUE_ENFANTS = "enfants"


@dataclass(frozen=True)
class TypeDemande:
    """Un type de demande, appliqué par l'application qui possède les données.

    ``demande`` et ``lignes`` sont des ``demandes.models.Demande`` / ``LigneDemande`` : le
    socle ne les nomme pas (il n'importe aucune application métier)."""

    code: str
    libelle: str
    # Applique les lignes acceptées dans la transaction du traitement ; renvoie la réponse
    # par défaut montrée à la famille (« 8 réservations validées »). Lève ValidationError
    # (en français) si la demande ne peut plus être appliquée.
    appliquer: Callable[..., str]
    # Au refus (par un agent, ou automatique : demande.traite_par est None), dans la même
    # transaction (libérer une place…).
    refuser: Callable[..., None] | None = None
    # Quand la famille supprime sa demande en attente, dans la même transaction.
    annuler: Callable[..., None] | None = None
    # Après le traitement, hors transaction (on_commit) : un envoi par e-mail…
    apres_traitement: Callable[..., Any] | None = None
    # Une information par ligne pour l'agent (« 3 places restantes »), en un nombre fixe de
    # requêtes pour toutes les lignes.
    decrire: Callable[..., dict[int, str]] | None = None
    # La valeur actuelle d'une ligne, pour avertir l'agent qu'elle a changé depuis l'envoi.
    valeur_actuelle: Callable[..., str | None] | None = None
    # Les lignes peuvent être acceptées ou refusées une à une (réservations).
    ligne_par_ligne: bool = False
    # Libellé du filtre dans l'historique (par défaut : libelle).
    filtre: str = ""
    # Rubrique de l'historique : RUBRIQUE_COMPTE (« Mon compte ») ou RUBRIQUE_ENFANTS.
    rubrique: str = ""
    # Pour l'agent, sur la page de confirmation et la page de la demande (« Accepter = … »).
    aide_decision: str = ""
    # Les documents à ouvrir par l'agent, pour des demandes de ce type, en une requête :
    # documents(demandes) -> {id de demande: [(libellé, adresse)]}.
    documents: Callable[..., dict[int, list[tuple[str, str]]]] | None = None

    @property
    def libelle_filtre(self) -> str:
        return self.filtre or self.libelle


@dataclass(frozen=True)
class EntreeMenu:
    ordre: int
    libelle: str
    url_name: str
    # Nom d'un interrupteur déclaré ("reservations_actives"...), ou "".
    interrupteur: str = ""

    def adresse(self, prefixe: str, urlconf: str) -> str:
        """L'adresse de l'entrée, calculée une fois par processus (le menu est sur chaque
        page : une dizaine de reverse() par page en moins) ; le préfixe et l'urlconf du
        moment, dont reverse() dépend, lus une fois pour tout le menu."""
        return adresse_fixe(self.url_name, prefixe, urlconf)


@dataclass(frozen=True)
class BlocAccueil:
    ordre: int
    template: str
    # Reçoit (request, famille) et renvoie le contexte du bloc ; None pour ne rien afficher.
    contexte: Callable[[HttpRequest, Any], dict | None]
    interrupteur: str = ""


@dataclass(frozen=True)
class Audience:
    """À qui un agent écrit (« les familles ayant un enfant inscrit à une activité »)."""

    code: str
    libelle: str
    # Reçoit la valeur choisie par l'agent et renvoie les pk des familles visées.
    familles: Callable[[str], Iterable[int]]
    # Les valeurs possibles [(valeur, libellé)] ; None : l'audience n'a pas de paramètre.
    choix: Callable[[], list[tuple[str, str]]] | None = None


@dataclass(frozen=True)
class Interrupteur:
    """Une fonctionnalité que la commune ouvre ou coupe : un champ booléen de Configuration."""

    nom: str
    libelle: str


@dataclass(frozen=True)
class Branchement:
    """Tout ce qu'une application apporte au portail, déclaré en un seul endroit."""

    application: str
    types_demande: tuple[TypeDemande, ...] = ()
    menu: tuple[EntreeMenu, ...] = ()
    accueil: tuple[BlocAccueil, ...] = ()
    audiences: tuple[Audience, ...] = ()
    # Les règles de la purge (lues à chaque purge : elles suivent les réglages).
    conservation: Callable[[], Iterable["RegleConservation"]] | None = None
    # Charge la démonstration (idempotent) et renvoie les lignes à afficher (comptes…).
    demo: Callable[[], list[str] | None] | None = None
    interrupteurs: tuple[Interrupteur, ...] = ()
    # Les règles qu'une nouvelle réservation doit respecter, déclarées par l'application
    # qui en possède les données (les impayés : facturation) : regle(*, famille, maintenant)
    # -> str, le refus en français, ou "" si la famille peut réserver.
    regles_reservation: tuple[Callable[..., str], ...] = ()


# --- Le registre ----------------------------------------------------------------------------

# Dans l'ordre des branchements, c'est-à-dire d'INSTALLED_APPS (la démo s'y appuie).
_BRANCHEMENTS: dict[str, Branchement] = {}


@dataclass
class _Index:
    types: dict[str, TypeDemande] = field(default_factory=dict)
    menu: list[EntreeMenu] = field(default_factory=list)
    accueil: list[BlocAccueil] = field(default_factory=list)
    audiences: dict[str, Audience] = field(default_factory=dict)
    interrupteurs: dict[str, Interrupteur] = field(default_factory=dict)


_index = _Index()


def verifier_nom(nom: str) -> None:
    """Un interrupteur est un champ booléen de la configuration (erreur de programmation
    sinon, levée dès l'import de la vue ou le branchement)."""
    try:
        champ = Configuration._meta.get_field(nom)
    except Exception as exc:
        raise ValueError(f"Interrupteur inconnu : {nom}") from exc
    if not isinstance(champ, models.BooleanField):
        raise ValueError(f"Interrupteur inconnu : {nom}")


def brancher(branchement: Branchement) -> None:
    """Branche une application (ou remplace son branchement précédent, même nom)."""
    for interrupteur in branchement.interrupteurs:
        verifier_nom(interrupteur.nom)
    branches = {**_BRANCHEMENTS, branchement.application: branchement}
    _reindexer(branches)  # lève ValueError sans rien changer si le branchement est faux
    _BRANCHEMENTS.clear()
    _BRANCHEMENTS.update(branches)


def debrancher(application: str) -> None:
    """Retire une application (les tests qui branchent une application d'essai)."""
    _BRANCHEMENTS.pop(application, None)
    _reindexer(_BRANCHEMENTS)


def _reindexer(branches: dict[str, Branchement]) -> None:
    global _index
    index = _Index()
    for branchement in branches.values():
        for type_ in branchement.types_demande:
            if type_.code in index.types:
                raise ValueError(f"Type de demande déclaré deux fois : {type_.code}")
            index.types[type_.code] = type_
        index.menu.extend(branchement.menu)
        index.accueil.extend(branchement.accueil)
        for audience in branchement.audiences:
            index.audiences[audience.code] = audience
        for interrupteur in branchement.interrupteurs:
            index.interrupteurs[interrupteur.nom] = interrupteur
    index.menu.sort(key=lambda e: e.ordre)
    index.accueil.sort(key=lambda b: b.ordre)
    _index = index


def branchements() -> list[Branchement]:
    return list(_BRANCHEMENTS.values())


# --- Lectures -------------------------------------------------------------------------------


def types_demande() -> dict[str, TypeDemande]:
    return _index.types


def type_demande(code: str) -> TypeDemande:
    try:
        return _index.types[code]
    except KeyError as exc:
        raise LookupError(f"Type de demande inconnu : {code}") from exc


def choix_types() -> list[tuple[str, str]]:
    return sorted(((t.code, t.libelle_filtre) for t in _index.types.values()), key=lambda c: c[1])


def libelle_type(code: str) -> str:
    """Le libellé d'un type pour l'affichage ; le code si le type n'est plus déclaré."""
    definition = _index.types.get(code)
    return definition.libelle if definition is not None else code


def entrees_menu() -> list[EntreeMenu]:
    """Toutes les entrées, interrupteurs compris (le menu affiché : interrupteurs.menu)."""
    return _index.menu


def blocs_accueil() -> list[BlocAccueil]:
    return _index.accueil


def audiences() -> dict[str, Audience]:
    return _index.audiences


def interrupteurs() -> dict[str, Interrupteur]:
    return _index.interrupteurs


def regles_conservation() -> list["RegleConservation"]:
    return [
        regle
        for branchement in _BRANCHEMENTS.values()
        if branchement.conservation is not None
        for regle in branchement.conservation()
    ]


def regles_reservation() -> list[Callable[..., str]]:
    return [regle for b in _BRANCHEMENTS.values() for regle in b.regles_reservation]


def chargeurs_demo() -> list[Callable[[], list[str] | None]]:
    return [b.demo for b in _BRANCHEMENTS.values() if b.demo is not None]
