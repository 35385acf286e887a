"""L'année scolaire : la seule définition du portail.

Une année scolaire va du 1er septembre au 31 août : juillet et août appartiennent à l'année
qui se termine (le relevé de compte d'août montre encore l'année écoulée). Dès le 1er juillet,
on prépare pourtant la rentrée : les inscriptions (fiche d'inscription, pièces valables
« jusqu'à la fin de l'année scolaire ») visent l'année qui commence — ``annee_preparee``.
"""

from dataclasses import dataclass
from datetime import date

MOIS_RENTREE = 9
# À partir de ce mois, les inscriptions visent l'année suivante.
MOIS_PREPARATION = 7


@dataclass(frozen=True, order=True)
class AnneeScolaire:
    # L'année de la rentrée : 2026 pour 2026-2027.
    rentree: int

    @property
    def debut(self) -> date:
        return date(self.rentree, MOIS_RENTREE, 1)

    @property
    def fin(self) -> date:
        return date(self.rentree + 1, MOIS_RENTREE - 1, 31)

    @property
    def libelle(self) -> str:
        return f"{self.rentree}-{self.rentree + 1}"

    def suivante(self) -> "AnneeScolaire":
        return AnneeScolaire(self.rentree + 1)

    def __str__(self) -> str:
        return self.libelle


def annee_scolaire(jour: date) -> AnneeScolaire:
    """L'année scolaire du jour : le 15/03/2027 et le 31/08/2027 sont en 2026-2027."""
    return AnneeScolaire(jour.year if jour.month >= MOIS_RENTREE else jour.year - 1)


def annee_preparee(jour: date) -> AnneeScolaire:
    """L'année visée par les inscriptions : l'année en cours, sauf en juillet et en août
    où l'on prépare déjà la rentrée (le 02/07/2027 prépare 2027-2028)."""
    annee = annee_scolaire(jour)
    if MOIS_PREPARATION <= jour.month < MOIS_RENTREE:
        return annee.suivante()
    return annee
