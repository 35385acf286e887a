"""Les changements d'état de la boîte de réception : écrire, répondre, diffuser, lire,
supprimer, restaurer. Les e-mails partent par les tâches de ``emails.py``, après le commit."""

import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portail.noyau.fichiers import chemin_prive
from portail.noyau.registre import audiences

from ..emails import notifier_envoi_groupe, notifier_message
from ..models import Direction, Message

TAILLE_LOT = 1000
# Un double clic ne doit pas envoyer deux fois le même message.
DELAI_DOUBLON = timedelta(minutes=2)


def _enregistrer_piece_jointe(fichier: UploadedFile | None) -> tuple[str, str]:
    """Stocke la pièce jointe (déjà vérifiée par verifier_fichier) : (chemin, nom lu)."""
    if fichier is None:
        return "", ""
    nom = (fichier.name or "fichier")[:120]
    chemin = default_storage.save(chemin_prive("messages", nom), fichier)
    return chemin, nom


def _nettoyer(sujet: str, texte: str) -> tuple[str, str]:
    sujet, texte = (sujet or "").strip(), (texte or "").strip()
    if not sujet:
        raise ValidationError("Indiquez le sujet du message.")
    if not texte:
        raise ValidationError("Écrivez votre message.")
    return sujet[:200], texte


@transaction.atomic
def message_envoyer(
    *,
    famille: Any,
    direction: str,
    sujet: str,
    texte: str,
    piece_jointe: UploadedFile | None = None,
    parent: Message | None = None,
    auteur: Any = None,
) -> Message:
    """La famille écrit à la mairie, ou un agent à la famille (``direction``), en réponse ou
    non à un message ; le destinataire est prévenu par e-mail après le commit. Le message de
    la famille auquel un agent répond est marqué lu."""
    sujet, texte = _nettoyer(sujet, texte)
    if parent is not None and parent.famille_id != famille.pk:
        raise ValidationError("Ce message n'appartient pas à cette famille.")
    # Verrou sur la famille : deux envois simultanés du même message se suivent.
    type(famille).objects.select_for_update().filter(pk=famille.pk).first()
    if Message.objects.filter(
        famille=famille,
        direction=direction,
        sujet=sujet,
        texte=texte,
        parent=parent,
        cree_le__gte=timezone.now() - DELAI_DOUBLON,
    ).exists():
        raise ValidationError("Ce message vient déjà d'être envoyé.")
    chemin, nom = _enregistrer_piece_jointe(piece_jointe)
    try:
        message = Message.objects.create(
            famille=famille,
            direction=direction,
            sujet=sujet,
            texte=texte,
            piece_jointe=chemin,
            nom_piece_jointe=nom,
            parent=parent,
            auteur=auteur if getattr(auteur, "is_authenticated", False) else None,
        )
    except Exception:
        if chemin:
            default_storage.delete(chemin)
        raise
    if direction == Direction.MAIRIE_VERS_FAMILLE and parent is not None and parent.lu_le is None:
        Message.objects.filter(pk=parent.pk, lu_le__isnull=True).update(lu_le=timezone.now())
    transaction.on_commit(lambda: notifier_message.delay(message_id=message.pk))
    return message


@transaction.atomic
def message_diffuser(
    *,
    audience: str,
    valeur: str = "",
    sujet: str,
    texte: str,
    piece_jointe: UploadedFile | None = None,
    auteur: Any = None,
) -> int:
    """Un agent écrit à un ensemble de familles : un message par famille, créés par lots,
    en un nombre de requêtes qui ne dépend pas du nombre de familles (à TAILLE_LOT près).
    Renvoie le nombre de familles touchées."""
    definition = audiences().get(audience)
    if definition is None:
        raise ValidationError("Choisissez à qui écrire.")
    if definition.choix is not None and valeur not in {v for v, _ in definition.choix()}:
        raise ValidationError("Choisissez une valeur dans la liste.")
    sujet, texte = _nettoyer(sujet, texte)
    familles = list(definition.familles(valeur))
    if not familles:
        raise ValidationError("Aucune famille ne correspond : aucun message n'a été envoyé.")
    chemin, nom = _enregistrer_piece_jointe(piece_jointe)
    envoi = uuid.uuid4()
    maintenant = timezone.now()
    auteur_ok = auteur if getattr(auteur, "is_authenticated", False) else None
    try:
        Message.objects.bulk_create(
            (
                Message(
                    famille_id=famille_id,
                    direction=Direction.MAIRIE_VERS_FAMILLE,
                    sujet=sujet,
                    texte=texte,
                    piece_jointe=chemin,
                    nom_piece_jointe=nom,
                    envoi=envoi,
                    cree_le=maintenant,
                    auteur=auteur_ok,
                )
                for famille_id in familles
            ),
            batch_size=TAILLE_LOT,
        )
    except Exception:
        if chemin:
            default_storage.delete(chemin)
        raise
    transaction.on_commit(lambda: notifier_envoi_groupe.delay(envoi=str(envoi)))
    return len(familles)


@transaction.atomic
def message_marquer_lu(*, message: Message) -> None:
    """Le destinataire a ouvert le message (idempotent : la première lecture compte)."""
    if message.lu_le is None:
        maintenant = timezone.now()
        Message.objects.filter(pk=message.pk, lu_le__isnull=True).update(lu_le=maintenant)
        message.lu_le = maintenant


@transaction.atomic
def message_supprimer(*, message: Message, famille: Any) -> None:
    if message.famille_id != famille.pk:
        raise ValidationError("Ce message n'appartient pas à votre famille.")
    if message.supprime_le is not None:
        raise ValidationError("Ce message est déjà dans « Supprimés ».")
    message.supprime_le = timezone.now()
    message.save(update_fields=["supprime_le"])


@transaction.atomic
def message_restaurer(*, message: Message, famille: Any) -> None:
    if message.famille_id != famille.pk:
        raise ValidationError("Ce message n'appartient pas à votre famille.")
    if message.supprime_le is None:
        raise ValidationError("Ce message n'est pas dans « Supprimés ».")
    message.supprime_le = None
    message.save(update_fields=["supprime_le"])
