"""Durées de conservation et purge (commande ``purger``, politique : docs/exploitation.md).

Chaque application déclare ses propres règles dans son ``Branchement`` (registre, champ
``conservation``) : ce module ne connaît aucune application métier. Une application qui
ne déclare rien ne perd rien (la facturation : factures et règlements ne sont jamais purgés).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from .registre import regles_conservation


@dataclass(frozen=True)
class RegleConservation:
    libelle: str
    # "app.Modele" : lu paresseusement, pour ne rien importer d'une application métier.
    modele: str
    # Champ date ou date-heure à partir duquel la durée court.
    champ_date: str
    jours: int
    filtre: models.Q = field(default_factory=models.Q)
    # Champs fichiers dont les fichiers sont effacés du stockage avec la ligne.
    fichiers: tuple[str, ...] = ()


@dataclass
class Resultat:
    regle: RegleConservation
    lignes: int = 0
    fichiers: int = 0
    # Lignes liées supprimées en cascade, par modèle (« lignes de demande »: 12).
    cascade: dict[str, int] = field(default_factory=dict)


def regles_historique(app_label: str, jours: int) -> list[RegleConservation]:
    """Les entrées d'historique (audit) de chaque modèle suivi de l'application."""
    regles = []
    for modele in apps.get_app_config(app_label).get_models():
        suivi = getattr(modele, "instance_type", None)
        # Les tables m2m historisées suivent leur entrée d'historique (cascade).
        champs = {f.name for f in modele._meta.get_fields()}
        if suivi is not None and "history_date" in champs:
            regles.append(
                RegleConservation(
                    libelle=f"Historique : {suivi._meta.verbose_name_plural}",
                    modele=modele._meta.label,
                    champ_date="history_date",
                    jours=jours,
                )
            )
    return regles


def _noms_fichiers(lignes: models.QuerySet, champs: Iterable[str]) -> set[str]:
    noms: set[str] = set()
    for champ in champs:
        noms.update(n for n in lignes.values_list(champ, flat=True) if n)
    return noms


def _effacer_fichiers(noms: set[str]) -> None:
    for nom in noms:
        default_storage.delete(nom)


def _appliquer(regle: RegleConservation, limite: datetime, essai: bool) -> Resultat:
    modele = apps.get_model(regle.modele)
    champ = modele._meta.get_field(regle.champ_date)
    borne = (
        limite.date()
        if isinstance(champ, models.DateField) and not isinstance(champ, models.DateTimeField)
        else limite
    )
    lignes = modele._default_manager.filter(regle.filtre, **{f"{regle.champ_date}__lt": borne})
    resultat = Resultat(regle)
    noms = _noms_fichiers(lignes, regle.fichiers)
    if essai:
        resultat.lignes = lignes.count()
    else:
        _, par_modele = lignes.delete()
        resultat.lignes = par_modele.pop(modele._meta.label, 0)
        resultat.cascade = {
            str(apps.get_model(label)._meta.verbose_name_plural): n
            for label, n in par_modele.items()
            if n
        }
    if noms and regle.fichiers:
        # Un fichier partagé (envoi groupé) reste tant qu'une ligne restante le cite.
        encore = models.Q()
        for nom_champ in regle.fichiers:
            encore |= models.Q(**{f"{nom_champ}__in": noms})
        restants = modele._default_manager.filter(encore)
        if essai:
            restants = restants.exclude(pk__in=lignes.values("pk"))
        noms -= _noms_fichiers(restants, regle.fichiers)
    resultat.fichiers = len(noms)
    if not essai and noms:
        transaction.on_commit(lambda: _effacer_fichiers(noms))
    return resultat


@transaction.atomic
def donnees_purger(
    *,
    essai: bool = False,
    maintenant: datetime | None = None,
    regles: list[RegleConservation] | None = None,
) -> list[Resultat]:
    """Supprime ce que les règles déclarent périmé, dans une seule transaction.

    Les fichiers sont effacés du stockage après la validation (jamais un fichier effacé pour
    une ligne restée en base). ``essai`` compte sans rien supprimer.
    """
    maintenant = maintenant or timezone.now()
    resultats = []
    for regle in regles if regles is not None else regles_conservation():
        if regle.jours < 1:
            raise ValueError(f"Durée de conservation invalide pour « {regle.libelle} ».")
        limite = maintenant - timedelta(days=regle.jours)
        resultats.append(_appliquer(regle, limite, essai))
    return resultats


def regles() -> list[RegleConservation]:
    """Règles du socle : sessions expirées et journaux de connexion (django-axes)."""
    connexions = settings.CONSERVATION_CONNEXIONS_JOURS
    return [
        RegleConservation("Sessions expirées", "sessions.Session", "expire_date", 1),
        RegleConservation("Journal des connexions", "axes.AccessLog", "attempt_time", connexions),
        RegleConservation(
            "Journal des échecs de connexion", "axes.AccessFailureLog", "attempt_time", connexions
        ),
        RegleConservation(
            "Compteurs d'échecs de connexion", "axes.AccessAttempt", "attempt_time", connexions
        ),
    ]
