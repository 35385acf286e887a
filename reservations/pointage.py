"""Le pointage d'un jour (présent, absent excusé, absent facturé) et les effectifs par jour."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from .calendrier import jours
from .models import Activite, EtatReservation, JourOuverture, Reservation, Unite

# Ce qu'un agent peut noter au pointage (« Réservé » = pas encore pointé, pour corriger).
ETATS_POINTAGE = (
    EtatReservation.RESERVEE,
    EtatReservation.PRESENT,
    EtatReservation.ABSENT_EXCUSE,
    EtatReservation.ABSENT_FACTURE,
)
# Les enfants attendus ce jour-là : ce que la cantine doit commander.
ETATS_ATTENDUS = (EtatReservation.RESERVEE, EtatReservation.PRESENT)
EFFECTIFS_JOURS_MAX = 93


def reservations_du_jour(*, unite: Unite, jour: date):
    """Les réservations à pointer (et celles dont l'absence est en cours, pour information)."""
    return (
        Reservation.objects.filter(
            unite=unite,
            date=jour,
            etat__in=(*ETATS_POINTAGE, EtatReservation.ABSENCE_DEMANDEE),
        )
        .select_related("enfant__famille")
        .order_by("enfant__nom", "enfant__prenom", "id")
    )


@transaction.atomic
def pointage_enregistrer(
    *, unite: Unite, jour: date, etats: dict[int, str], agent: Any = None
) -> int:
    """Enregistre le pointage d'un jour pour une unité ; renvoie le nombre de changements.

    Seules les réservations de cette unité et de ce jour sont modifiables ; une absence en
    cours de traitement se décide par sa demande, pas au pointage.
    """
    inconnus = {e for e in etats.values() if e not in ETATS_POINTAGE}
    if inconnus:
        raise ValidationError("État de pointage inconnu : choisissez présent ou absent.")
    reservations = list(
        Reservation.objects.select_for_update(of=("self",))
        .filter(pk__in=list(etats))
        .select_related("enfant")
        .order_by("pk")
    )
    if len(reservations) != len(etats) or any(
        r.unite_id != unite.pk or r.date != jour for r in reservations
    ):
        raise ValidationError(
            f"Le pointage ne concerne que les réservations de {unite} le {jour:%d/%m/%Y}."
        )
    changements = 0
    for reservation in reservations:
        nouvel_etat = etats[reservation.pk]
        if reservation.etat == nouvel_etat:
            continue
        if reservation.etat not in ETATS_POINTAGE:
            raise ValidationError(
                f"{reservation.enfant} : « {reservation.get_etat_display()} » ne se pointe pas "
                "(traitez la demande en cours)."
            )
        reservation.etat = nouvel_etat
        reservation.save(update_fields=["etat", "modifiee_le"])
        changements += 1
    return changements


@dataclass
class Effectif:
    attendus: int = 0
    en_attente: int = 0


@dataclass
class TableauEffectifs:
    unites: list[Unite]
    lignes: list[tuple[date, list[Effectif]]]


def effectifs(*, debut: date, fin: date, activite: Activite | None = None) -> TableauEffectifs:
    """Par jour et par unité, les enfants attendus (réservé ou présent) et les demandes."""
    if fin < debut:
        raise ValidationError("La date de fin précède la date de début.")
    if (fin - debut).days >= EFFECTIFS_JOURS_MAX:
        raise ValidationError(f"Choisissez une période de {EFFECTIFS_JOURS_MAX} jours au plus.")
    unites_qs = Unite.objects.select_related("activite").filter(activite__actif=True)
    if activite is not None:
        unites_qs = unites_qs.filter(activite=activite)
    unites = sorted(unites_qs, key=lambda u: (u.activite.ordre, u.activite.nom, u.ordre, u.nom))
    comptes = {
        (ligne["date"], ligne["unite_id"]): ligne
        for ligne in Reservation.objects.filter(date__range=(debut, fin), unite__in=unites)
        .values("date", "unite_id")
        .annotate(
            attendus=Count("id", filter=Q(etat__in=ETATS_ATTENDUS)),
            en_attente=Count("id", filter=Q(etat=EtatReservation.DEMANDEE)),
        )
    }
    ouverts = set(
        JourOuverture.objects.filter(date__range=(debut, fin), unite__in=unites).values_list(
            "date", flat=True
        )
    )
    jours_avec = ouverts | {d for d, _ in comptes}
    lignes = []
    for jour in jours(debut, fin):
        if jour not in jours_avec:
            continue
        ligne = []
        for unite in unites:
            compte = comptes.get((jour, unite.pk))
            ligne.append(
                Effectif(attendus=compte["attendus"], en_attente=compte["en_attente"])
                if compte
                else Effectif()
            )
        lignes.append((jour, ligne))
    return TableauEffectifs(unites=unites, lignes=lignes)
