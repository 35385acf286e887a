"""Le bilan d'un import : erreurs ligne par ligne et compteurs, lu par la commande."""

from collections.abc import Callable
from dataclasses import dataclass, field


class ErreurFichier(Exception):
    """Le fichier ne peut pas être lu du tout (encodage, colonnes manquantes, vide)."""


@dataclass
class Erreur:
    ligne: int
    colonne: str
    message: str

    def __str__(self) -> str:
        if self.colonne:
            return f"Ligne {self.ligne}, colonne « {self.colonne} » : {self.message}"
        return f"Ligne {self.ligne} : {self.message}"


@dataclass
class Compteurs:
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0

    def __str__(self) -> str:
        return f"{self.crees} créé(s), {self.modifies} mis à jour, {self.inchanges} inchangé(s)"


@dataclass
class Bilan:
    lignes: int = 0
    encodage: str = ""
    separateur: str = ""
    erreurs: list[Erreur] = field(default_factory=list)
    familles: Compteurs = field(default_factory=Compteurs)
    adultes: Compteurs = field(default_factory=Compteurs)
    enfants: Compteurs = field(default_factory=Compteurs)
    essai: bool = False

    @property
    def valide(self) -> bool:
        return not self.erreurs


Progression = Callable[[str], None]
