"""Les jours d'ouverture d'une période et la préparation d'une année scolaire (périodes
mensuelles et jours d'ouverture de chaque activité active)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..calendrier import (
    dates_ouvertes,
    fin_des_reservations,
    jours_de_classe,
    mois_entre,
    nom_periode,
    zone_de_la_commune,
)
from ..models import Activite, Fermeture, JourOuverture, Periode


@dataclass
class BilanGeneration:
    crees: int = 0
    deja_la: int = 0
    retires: int = 0
    feries: int = 0
    vacances: int = 0
    fermetures: int = 0

    def __str__(self) -> str:
        return (
            f"{self.crees} jour(s) d'ouverture créé(s), {self.deja_la} déjà présent(s), "
            f"{self.retires} retiré(s) ; écartés : {self.feries} férié(s), "
            f"{self.vacances} en vacances scolaires, {self.fermetures} fermeture(s)"
        )

    def ajouter(self, autre: "BilanGeneration") -> None:
        for champ in ("crees", "deja_la", "retires", "feries", "vacances", "fermetures"):
            setattr(self, champ, getattr(self, champ) + getattr(autre, champ))


@transaction.atomic
def jours_ouverture_generer(*, periode: Periode, zone: str | None = None) -> BilanGeneration:
    """Crée les jours d'ouverture de chaque unité de l'activité sur la période.

    Idempotent : un jour déjà présent n'est pas recréé (contrainte unique + ignore_conflicts).
    Un jour devenu fermé (fermeture ajoutée depuis) est retiré s'il n'a aucune réservation ;
    un jour ajouté à la main par un agent (ouverture exceptionnelle) est gardé.
    """
    zone = zone or zone_de_la_commune()
    activite = periode.activite
    fermetures = set(
        Fermeture.objects.filter(
            Q(activite=activite) | Q(activite__isnull=True),
            date__range=(periode.date_debut, periode.date_fin),
        ).values_list("date", flat=True)
    )
    bilan = BilanGeneration()
    for unite in activite.unites.all():
        compteur: Counter = Counter()
        ouvertes = dates_ouvertes(
            activite=activite,
            unite=unite,
            debut=periode.date_debut,
            fin=periode.date_fin,
            zone=zone,
            fermetures=fermetures,
            compteur=compteur,
        )
        existantes = set(
            JourOuverture.objects.filter(
                unite=unite, date__range=(periode.date_debut, periode.date_fin)
            ).values_list("date", flat=True)
        )
        nouvelles = [d for d in ouvertes if d not in existantes]
        JourOuverture.objects.bulk_create(
            [JourOuverture(unite=unite, date=d) for d in nouvelles], ignore_conflicts=True
        )
        a_retirer = existantes & fermetures
        if a_retirer:
            retires, _ = (
                JourOuverture.objects.filter(unite=unite, date__in=a_retirer)
                .exclude(date__in=unite.reservations.filter(date__in=a_retirer).values("date"))
                .delete()
            )
        else:
            retires = 0
        bilan.ajouter(
            BilanGeneration(
                crees=len(nouvelles),
                deja_la=len(ouvertes) - len(nouvelles),
                retires=retires,
                feries=compteur["feries"],
                vacances=compteur["vacances"],
                fermetures=compteur["fermetures"],
            )
        )
    return bilan


@transaction.atomic
def periodes_appliquer_regle_fermeture(
    *, activite: Activite, aujourdhui: date | None = None
) -> int:
    """Recalcule la fermeture des périodes à venir de l'activité selon sa règle."""
    aujourdhui = aujourdhui or timezone.localdate()
    periodes = list(
        Periode.objects.select_for_update().filter(activite=activite, date_debut__gt=aujourdhui)
    )
    for periode in periodes:
        periode.reservable_jusqu_au = fin_des_reservations(
            periode.date_debut, activite.regle_fermeture
        )
        periode.save(update_fields=["reservable_jusqu_au"])  # une par une : historisée
    return len(periodes)


@dataclass
class BilanAnnee:
    debut: date
    fin: date
    periodes_creees: int = 0
    periodes_existantes: int = 0
    jours: BilanGeneration | None = None


@transaction.atomic
def annee_preparer(*, annee: str, essai: bool = False, zone: str | None = None) -> BilanAnnee:
    """Crée, pour chaque activité active, ses périodes mensuelles et leurs jours d'ouverture.

    Relancer ne crée rien deux fois (période unique par activité et dates, jours uniques).
    En essai, tout est calculé puis annulé.
    """
    zone = zone or zone_de_la_commune()
    debut, fin = jours_de_classe(annee)
    bilan = BilanAnnee(debut=debut, fin=fin, jours=BilanGeneration())
    point = transaction.savepoint()
    activites = Activite.objects.filter(actif=True).prefetch_related("unites")
    for activite in activites:
        for debut_mois, fin_mois in mois_entre(debut, fin):
            periode, creee = Periode.objects.get_or_create(
                activite=activite,
                date_debut=debut_mois,
                date_fin=fin_mois,
                defaults={
                    "nom": nom_periode(activite, debut_mois, fin_mois),
                    "affichee_du": (debut_mois.replace(day=1) - timedelta(days=1)).replace(day=1),
                    "affichee_au": fin_mois,
                    "reservable_jusqu_au": fin_des_reservations(
                        debut_mois, activite.regle_fermeture
                    ),
                },
            )
            periode.activite = activite  # unités déjà chargées
            if creee:
                bilan.periodes_creees += 1
            else:
                bilan.periodes_existantes += 1
            assert bilan.jours is not None
            bilan.jours.ajouter(jours_ouverture_generer(periode=periode, zone=zone))
    if essai:
        transaction.savepoint_rollback(point)
    else:
        transaction.savepoint_commit(point)
    return bilan
