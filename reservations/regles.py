"""Les règles d'une réservation, sans écriture : délais, jours ouverts, inscription, période.

Le calcul est pur (il reçoit un ``Contexte`` déjà chargé) pour que la grille des parents,
le contrôle d'une demande et l'écran de l'agent appliquent exactement les mêmes règles.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import ETATS_OCCUPANT_UNE_PLACE, Activite, EtatReservation, Periode, Reservation

# Jours de la semaine, lundi = 0 (date.weekday()).
JOURS_SEMAINE = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]

# Une réservation dans un de ces états est « prise » : la case est cochée.
ETATS_ACTIFS = frozenset(ETATS_OCCUPANT_UNE_PLACE) | {EtatReservation.ABSENT_EXCUSE}


@dataclass(frozen=True, order=True)
class Choix:
    """Ce qu'une case à cocher de la grille de réservation désigne : un enfant, une unité,
    un jour."""

    enfant_id: int
    unite_id: int
    date: date

    @property
    def cle(self) -> str:
        return f"{self.enfant_id}-{self.unite_id}-{self.date:%Y%m%d}"

    @classmethod
    def depuis_cle(cls, cle: str) -> "Choix":
        try:
            enfant, unite, jour = cle.split("-")
            return cls(int(enfant), int(unite), datetime.strptime(jour, "%Y%m%d").date())
        except ValueError as exc:
            raise ValidationError(f"Case à cocher illisible : « {cle[:40]} ».") from exc


@lru_cache(maxsize=16)
def jours_feries(annee: int) -> dict[date, str]:
    return dict(holidays.country_holidays("FR", years=annee, language="fr"))


def est_ferie(jour: date) -> bool:
    return jour in jours_feries(jour.year)


def est_jour_ouvre(jour: date) -> bool:
    return jour.weekday() < 5 and not est_ferie(jour)


def date_limite(activite: Activite, jour: date, *, suppression: bool = False) -> datetime:
    """Le dernier instant où l'on peut encore ajouter (ou supprimer) la réservation du jour.

    Délai de N jours : la limite tombe N jours avant (N jours ouvrés si l'activité le dit),
    à l'heure limite ; sans heure limite, toute la journée limite compte (jusqu'à minuit).
    Ex. : délai de 7 jours, pour le mardi 10/11 on peut réserver jusqu'au mardi 03/11 inclus.
    """
    delai = activite.delai_suppression_jours if suppression else activite.delai_ajout_jours
    if activite.delai_jours_ouvres:
        limite = jour
        restant = delai
        while restant > 0:
            limite -= timedelta(days=1)
            if est_jour_ouvre(limite):
                restant -= 1
    else:
        limite = jour - timedelta(days=delai)
    fuseau = timezone.get_current_timezone()
    if activite.heure_limite is None:
        return datetime.combine(limite + timedelta(days=1), time(0), tzinfo=fuseau)
    return datetime.combine(limite, activite.heure_limite, tzinfo=fuseau)


def texte_limite(limite: datetime) -> str:
    locale = timezone.localtime(limite)
    if locale.time() == time(0):
        return f"jusqu'au {locale.date() - timedelta(days=1):%d/%m/%Y} inclus"
    return f"jusqu'au {locale:%d/%m/%Y} à {locale:%H:%M}"


def periode_affichee(periode: Periode, aujourdhui: date) -> bool:
    return (periode.affichee_du is None or periode.affichee_du <= aujourdhui) and (
        periode.affichee_au is None or aujourdhui <= periode.affichee_au
    )


def periode_ouverte(periode: Periode, maintenant: datetime) -> bool:
    return periode.reservable_jusqu_au is None or maintenant <= periode.reservable_jusqu_au


@dataclass
class Contexte:
    """Tout ce qu'il faut pour juger les cases d'une période, chargé en un nombre fixe de
    requêtes (voir selectors.charger_contexte)."""

    periode: Periode
    unites: list  # list[Unite], dans l'ordre d'affichage
    incompatibles: dict[int, set[int]]
    ouvertures: set[tuple[int, date]]
    fermetures: dict[date, str]
    inscriptions: dict[int, list[tuple[date, date | None]]]
    reservations: dict[tuple[int, int, date], Reservation]
    occupation: dict[tuple[int, date], int]
    # Les listes d'attente : (unité, jour) → enfants dans l'ordre ; et les listes closes.
    attentes: dict[tuple[int, date], list[int]] = field(default_factory=dict)
    attentes_fermees: set[tuple[int, date]] = field(default_factory=set)
    # Le foyer qui regarde ou réserve : un jour réservé par l'autre foyer (garde alternée)
    # n'est ni à lui ni libre.
    foyer_id: int | None = None
    unites_par_id: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.unites_par_id = {u.pk: u for u in self.unites}

    def inscrit(self, enfant_id: int, jour: date) -> bool:
        return any(
            debut <= jour and (fin is None or jour <= fin)
            for debut, fin in self.inscriptions.get(enfant_id, [])
        )

    def reservation(self, choix: Choix) -> Reservation | None:
        return self.reservations.get((choix.enfant_id, choix.unite_id, choix.date))

    def rang_attente(self, choix: Choix) -> int:
        """Le rang de l'enfant sur la liste d'attente du jour (1 = le premier), ou 0."""
        file = self.attentes.get((choix.unite_id, choix.date), [])
        return file.index(choix.enfant_id) + 1 if choix.enfant_id in file else 0

    def autre_foyer(self, reservation: Reservation | None) -> bool:
        """Ce jour est pris (réservé, demandé…) par l'autre foyer de l'enfant."""
        return (
            est_active(reservation)
            and reservation is not None
            and self.foyer_id is not None
            and reservation.famille_id != self.foyer_id
        )

    def places_restantes(self, unite_id: int, jour: date) -> int | None:
        unite = self.unites_par_id[unite_id]
        if unite.capacite is None:
            return None
        return max(unite.capacite - self.occupation.get((unite_id, jour), 0), 0)


def texte_rang(rang: int) -> str:
    """1 → « 1er sur la liste d'attente », 2 → « 2e sur la liste d'attente »."""
    return f"{rang}{'er' if rang == 1 else 'e'} sur la liste d'attente"


def est_active(reservation: Reservation | None) -> bool:
    return reservation is not None and reservation.etat in ETATS_ACTIFS


def suppression_en_attente(reservation: Reservation | None) -> bool:
    """Une réservation validée dont la suppression est demandée et pas encore traitée."""
    return (
        reservation is not None
        and reservation.etat == EtatReservation.RESERVEE
        and reservation.demande is not None
        and reservation.demande.en_attente
    )


def raison_blocage(
    ctx: Contexte, choix: Choix, maintenant: datetime, *, suppression: bool = False
) -> str:
    """Pourquoi cette case ne peut pas être changée maintenant ("" si elle le peut).

    La capacité et les unités exclusives, qui dépendent des autres cases, sont contrôlées
    à part (services._verifier)."""
    periode = ctx.periode
    jour = choix.date
    if not periode.date_debut <= jour <= periode.date_fin:
        return "Jour hors de la période"
    if (choix.unite_id, jour) not in ctx.ouvertures:
        return "Pas d'accueil ce jour"
    if jour in ctx.fermetures:
        motif = ctx.fermetures[jour]
        return f"Fermé ({motif})" if motif else "Fermé"
    if not ctx.inscrit(choix.enfant_id, jour):
        return "Non inscrit à cette date"
    if jour < timezone.localtime(maintenant).date():
        return "Jour passé"
    activite = periode.activite
    if not activite.actif or not periode_ouverte(periode, maintenant):
        return "Réservations fermées"
    if maintenant >= date_limite(activite, jour, suppression=suppression):
        return "Délai dépassé"
    return ""
