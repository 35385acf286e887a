"""Les absences : la famille déclare, un agent décide (absent excusé ou absent facturé).

Règle de délai : une absence se déclare sur un jour réservé (état « Réservé ») qui n'est pas
passé, jusqu'au jour même inclus (heure de Paris). Un motif « Maladie » exige un certificat
médical (pdf, jpg, jpeg ou png, 5 Mo au plus, contenu vérifié), rangé dans le stockage privé.

La déclaration crée une demande de type « absence » ; la réservation passe en « Absence en
cours de traitement ». Acceptée, elle devient « Absent excusé » (jamais facturé) ; refusée
(avec un motif), « Absent facturé ». Si la famille supprime sa demande en attente, la
réservation redevient « Réservé ».
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from demandes.services import Ligne, demande_creer
from portail.noyau.fichiers import nom_sur, verifier_fichier

from ..models import Absence, EtatReservation, MotifAbsence, Reservation
from .attente import attente_attribuer

TYPE_ABSENCE = "absence"


def libelle_jour(reservation: Reservation) -> str:
    unite = reservation.unite
    return f"{reservation.date:%d/%m/%Y} ({unite.activite.nom} — {unite.nom})"


def absence_declarable(reservation: Reservation, *, aujourdhui: date | None = None) -> bool:
    """Un jour réservé, aujourd'hui ou à venir (``aujourdhui`` : lu une fois par le planning)."""
    return reservation.etat == EtatReservation.RESERVEE and reservation.date >= (
        aujourdhui or timezone.localdate()
    )


@transaction.atomic
def absence_declarer(
    *,
    reservation: Reservation,
    motif: str,
    commentaire: str = "",
    certificat: UploadedFile | None = None,
    auteur: Any = None,
) -> Absence:
    """Déclare l'absence et crée la demande ; la réservation passe en cours de traitement."""
    reservation = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("enfant", "famille", "unite__activite")
        .get(pk=reservation.pk)
    )
    if motif not in MotifAbsence.values:
        raise ValidationError("Choisissez le motif de l'absence.")
    if reservation.etat == EtatReservation.ABSENCE_DEMANDEE:
        raise ValidationError("Une absence est déjà en cours de traitement pour ce jour.")
    if reservation.etat != EtatReservation.RESERVEE:
        raise ValidationError(
            "Une absence ne se déclare que sur un jour réservé "
            f"(ce jour est : {reservation.get_etat_display().lower()})."
        )
    if reservation.date < timezone.localdate():
        raise ValidationError(
            f"Le {reservation.date:%d/%m/%Y} est passé : une absence se déclare au plus tard "
            "le jour même."
        )
    if certificat is not None:
        verifier_fichier(certificat)
    elif motif == MotifAbsence.MALADIE:
        raise ValidationError(
            "Pour une absence pour maladie, joignez le certificat médical "
            "(pdf, jpg, jpeg ou png, 5 Mo max)."
        )
    absence = Absence(
        reservation=reservation,
        motif=motif,
        commentaire=commentaire.strip(),
        certificat_nom=nom_sur(certificat.name or "") if certificat is not None else "",
        cree_par=auteur if getattr(auteur, "is_authenticated", False) else None,
    )
    if certificat is not None:
        absence.certificat.save(certificat.name or "certificat", certificat, save=False)
    absence.save()
    enfant = reservation.enfant
    libelle_motif = MotifAbsence(motif).label
    demande = demande_creer(
        famille=reservation.famille,  # le foyer qui a réservé ce jour (garde alternée)
        type=TYPE_ABSENCE,
        resume=f"Absence de {enfant.prenom} le {libelle_jour(reservation)} : {libelle_motif}",
        lignes=[
            Ligne(
                libelle=f"Absence du {libelle_jour(reservation)}",
                champ="motif",
                ancienne_valeur=EtatReservation.RESERVEE.label,
                nouvelle_valeur=libelle_motif,
                donnees={"reservation": reservation.pk, "absence": absence.pk},
            )
        ],
        commentaire=commentaire,
        personne=f"{enfant.prenom} {enfant.nom}",
        activite=reservation.unite.activite.nom,
        cible=absence,
        auteur=auteur,
    )
    absence.demande = demande
    absence.save(update_fields=["demande"])
    reservation.etat = EtatReservation.ABSENCE_DEMANDEE
    reservation.save(update_fields=["etat", "modifiee_le"])
    return absence


def _reservation_de_la_demande(demande: Demande) -> Reservation:
    absence = Absence.objects.filter(demande=demande).select_related("reservation").first()
    if absence is None:
        raise ValidationError("Cette demande d'absence ne correspond plus à aucune réservation.")
    return (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("unite__activite")
        .get(pk=absence.reservation_id)
    )


def absence_appliquer(*, demande: Demande, lignes: list) -> str:
    """Crochet ``appliquer`` : la réservation devient « Absent excusé » (jamais facturée)."""
    reservation = _reservation_de_la_demande(demande)
    if reservation.etat != EtatReservation.ABSENCE_DEMANDEE:
        raise ValidationError(
            f"La réservation du {libelle_jour(reservation)} n'est plus en attente d'une "
            f"décision (état : {reservation.get_etat_display().lower()})."
        )
    reservation.etat = EtatReservation.ABSENT_EXCUSE
    reservation.save(update_fields=["etat", "modifiee_le"])
    # Un absent excusé n'occupe plus de place : elle va à la liste d'attente du jour, dans la
    # même transaction (ou, dans le délai d'ajout, la liste est close et les familles
    # prévenues), comme une réservation supprimée. Une absence excusée après coup (certificat
    # arrivé plus tard) ne touche plus à la liste d'un jour passé.
    if reservation.date >= timezone.localdate():
        attente_attribuer(cles=[(reservation.unite_id, reservation.date)])
    return f"Absence excusée : le {libelle_jour(reservation)} ne sera pas facturé."


def absence_refuser(*, demande: Demande) -> None:
    """Crochet ``refuser`` (par un agent ou une règle automatique) : « Absent facturé »."""
    reservation = _reservation_de_la_demande(demande)
    if reservation.etat != EtatReservation.ABSENCE_DEMANDEE:
        return
    reservation.etat = EtatReservation.ABSENT_FACTURE
    reservation.save(update_fields=["etat", "modifiee_le"])


def absence_annuler(*, demande: Demande) -> None:
    """Crochet ``annuler`` : la famille supprime sa déclaration en attente, le jour
    redevient « Réservé »."""
    reservation = _reservation_de_la_demande(demande)
    if reservation.etat != EtatReservation.ABSENCE_DEMANDEE:
        return
    reservation.etat = EtatReservation.RESERVEE
    reservation.save(update_fields=["etat", "modifiee_le"])


def absence_decrire(*, lignes: list) -> dict[int, str]:
    """Crochet ``decrire`` : pour l'agent, le certificat est-il joint ? (une requête pour
    toutes les lignes)."""
    absences = {
        a.demande_id: a
        for a in Absence.objects.filter(demande_id__in={ligne.demande_id for ligne in lignes})
    }
    infos = {}
    for ligne in lignes:
        absence = absences.get(ligne.demande_id)
        if absence is None:
            continue
        infos[ligne.pk] = (
            "Certificat médical joint (à télécharger depuis l'absence)"
            if absence.certificat
            else "Aucun certificat joint"
        )
    return infos


def certificats_absences(demandes: list) -> dict[int, list[tuple[str, str]]]:
    """Pour l'agent : le lien du certificat de chaque demande d'absence (une requête)."""
    return {
        absence.demande_id: [
            (
                f"Télécharger le certificat ({absence.certificat_nom or 'fichier joint'})",
                reverse("admin:reservations_absence_certificat", args=[absence.pk]),
            )
        ]
        for absence in Absence.objects.filter(
            demande_id__in=[d.pk for d in demandes], certificat__gt=""
        )
        if absence.demande_id is not None
    }
