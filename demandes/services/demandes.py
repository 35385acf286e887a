"""Le cycle de vie d'une demande : création, acceptation, refus, annulation."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from portail.noyau.registre import type_demande

from ..emails import notifier_demande_traitee
from ..models import Demande, LigneDemande, StatutDemande, StatutLigne


@dataclass
class Ligne:
    libelle: str
    champ: str = ""
    ancienne_valeur: str = ""
    nouvelle_valeur: str = ""
    donnees: dict = field(default_factory=dict)


@transaction.atomic
def demande_creer(
    *,
    famille: Any,
    type: str,
    resume: str,
    lignes: list[Ligne],
    commentaire: str = "",
    personne: str = "",
    activite: str = "",
    cible: models.Model | None = None,
    donnees: dict | None = None,
    auteur: Any = None,
) -> Demande:
    type_demande(type)  # un type inconnu est une erreur de programmation
    if not lignes:
        raise ValidationError("Aucune modification n'a été demandée.")
    demande = Demande.objects.create(
        famille=famille,
        type=type,
        resume=resume[:255],
        personne=personne,
        activite=activite[:80],
        cible_type=ContentType.objects.get_for_model(cible) if cible is not None else None,
        cible_id=cible.pk if cible is not None else None,
        commentaire=commentaire.strip(),
        donnees=donnees or {},
        cree_par=auteur if getattr(auteur, "is_authenticated", False) else None,
    )
    LigneDemande.objects.bulk_create(
        LigneDemande(
            demande=demande,
            ordre=i,
            libelle=ligne.libelle[:255],
            champ=ligne.champ,
            ancienne_valeur=ligne.ancienne_valeur,
            nouvelle_valeur=ligne.nouvelle_valeur,
            donnees=ligne.donnees,
        )
        for i, ligne in enumerate(lignes)
    )
    return demande


def _verrouiller_en_attente(demande: Demande) -> Demande:
    verrouillee = Demande.objects.select_for_update().get(pk=demande.pk)
    if verrouillee.statut != StatutDemande.EN_ATTENTE:
        raise ValidationError(
            f"La demande « {verrouillee.resume} » a déjà été traitée "
            f"({verrouillee.get_statut_display().lower()})."
        )
    return verrouillee


def _marquer_traitee(demande: Demande, *, agent: Any, automatique: bool) -> None:
    """Qui traite et quand, posés avant les crochets : ils lisent ``demande.traite_par``
    (None pour une règle automatique) au lieu de recevoir l'agent en argument."""
    demande.traite_le = timezone.now()
    demande.traite_par = agent if getattr(agent, "is_authenticated", False) else None
    demande.traitement_automatique = automatique


def _apres_commit(demande: Demande) -> None:
    definition = type_demande(demande.type)
    transaction.on_commit(lambda: notifier_demande_traitee.delay(demande_id=demande.pk))
    if definition.apres_traitement is not None:
        transaction.on_commit(lambda: definition.apres_traitement(demande=demande))  # type: ignore[misc]


@transaction.atomic
def demande_accepter(
    *,
    demande: Demande,
    agent: Any = None,
    reponse: str = "",
    lignes_refusees: dict[int, str] | None = None,
    automatique: bool = False,
) -> Demande:
    """Accepte la demande et l'applique par le service de l'application propriétaire.

    ``lignes_refusees`` (id de ligne → motif) refuse certaines lignes seulement, pour les
    types traités ligne par ligne. Une demande déjà traitée lève ValidationError : deux
    agents ou un double clic ne l'appliquent qu'une fois.
    """
    demande = _verrouiller_en_attente(demande)
    definition = type_demande(demande.type)
    lignes_refusees = lignes_refusees or {}
    if lignes_refusees and not definition.ligne_par_ligne:
        raise ValidationError("Cette demande ne se traite pas ligne par ligne.")
    lignes = list(demande.lignes.all())
    acceptees = []
    for ligne in lignes:
        if ligne.pk in lignes_refusees:
            ligne.statut = StatutLigne.REFUSEE
            ligne.motif = lignes_refusees[ligne.pk][:255]
        else:
            ligne.statut = StatutLigne.ACCEPTEE
            acceptees.append(ligne)
    _marquer_traitee(demande, agent=agent, automatique=automatique)
    reponse_par_defaut = definition.appliquer(demande=demande, lignes=acceptees)
    LigneDemande.objects.bulk_update(lignes, ["statut", "motif"])
    demande.statut = StatutDemande.ACCEPTEE if acceptees else StatutDemande.REFUSEE
    demande.reponse = _avec_motifs(
        (reponse or reponse_par_defaut or "Demande acceptée.").strip(),
        [ligne for ligne in lignes if ligne.statut == StatutLigne.REFUSEE],
    )
    demande.save(
        update_fields=["statut", "traite_le", "traite_par", "traitement_automatique", "reponse"]
    )
    _apres_commit(demande)
    return demande


def _avec_motifs(reponse: str, refusees: list[LigneDemande]) -> str:
    """Ajoute à la réponse le motif de chaque ligne refusée : la famille lit pourquoi
    (historique, e-mail, accueil), pas seulement « 1 ligne refusée »."""
    if not refusees:
        return reponse
    par_motif: dict[str, list[str]] = {}
    for ligne in refusees:
        par_motif.setdefault(ligne.motif.strip() or "sans motif", []).append(ligne.libelle)
    motifs = " ; ".join(f"{motif} ({', '.join(libelles)})" for motif, libelles in par_motif.items())
    fin = "" if reponse.endswith((".", "!", "?")) else "."
    return f"{reponse}{fin} Motif du refus : {motifs}."


@transaction.atomic
def demande_refuser(
    *, demande: Demande, agent: Any = None, motif: str, automatique: bool = False
) -> Demande:
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Indiquez le motif du refus : la famille le lira.")
    demande = _verrouiller_en_attente(demande)
    definition = type_demande(demande.type)
    _marquer_traitee(demande, agent=agent, automatique=automatique)
    if definition.refuser is not None:
        definition.refuser(demande=demande)
    demande.lignes.update(statut=StatutLigne.REFUSEE)
    demande.statut = StatutDemande.REFUSEE
    demande.reponse = motif
    demande.save(
        update_fields=["statut", "traite_le", "traite_par", "traitement_automatique", "reponse"]
    )
    _apres_commit(demande)
    return demande


@transaction.atomic
def demande_annuler(*, demande: Demande, famille: Any) -> Demande:
    """La famille supprime sa demande tant qu'elle est en attente.

    Appelle le crochet ``annuler`` du type (jamais ``refuser`` : une annulation n'est pas
    un refus)."""
    if demande.famille_id != famille.pk:
        raise ValidationError("Cette demande n'appartient pas à votre famille.")
    demande = _verrouiller_en_attente(demande)
    definition = type_demande(demande.type)
    if definition.annuler is not None:
        definition.annuler(demande=demande)
    demande.statut = StatutDemande.ANNULEE
    demande.save(update_fields=["statut"])
    return demande
