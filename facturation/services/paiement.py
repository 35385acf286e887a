"""Paiement en ligne par PayFiP (backend ``payfip_ws`` d'eopayment).

Une transaction PayFiP paie une seule référence de dette : les factures cochées (d'une même
régie) sont payées ensemble sous une seule référence — le numéro de la facture s'il n'y en a
qu'une (CA000153), sinon une référence groupée (CAG0000012) — puis le règlement créé est
imputé sur chacune. Le résultat n'est jamais lu dans le navigateur : il est demandé à PayFiP
de serveur à serveur, et appliqué une seule fois sous verrou de la transaction.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import eopayment
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from eopayment.payfip_ws import PAYMENT_URL, PayFiP, PayFiPError

from familles.models import Famille

from ..models import (
    ETATS_TRANSACTION_FINIS,
    EtatTransaction,
    EvenementPaiement,
    Facture,
    Mandat,
    ModeReglement,
    OperationPrelevement,
    TransactionFacture,
    TransactionPaiement,
)
from ..prelevement.models import StatutMandat, StatutOperation
from .facturation import reglement_enregistrer

logger = logging.getLogger(__name__)

# PayFiP n'accepte pas de paiement en dessous d'un euro.
MONTANT_MINIMUM = Decimal("1.00")

_CLIENTS: dict[str, PayFiP] = {}


@dataclass(frozen=True)
class AccesPayfip:
    """Où joindre PayFiP : le vrai service, ou le simulateur local (PAYFIP_SIMULATEUR)."""

    url_wsdl: str | None  # None : le WSDL fourni par eopayment (vrai PayFiP)
    url_page_paiement: str
    url_retour: str
    url_notification: str


def acces_payfip(url_site: str) -> AccesPayfip:
    """Les adresses PayFiP pour un portail servi à ``url_site`` (ex. https://portail.fr)."""

    def absolue(chemin: str) -> str:
        return url_site.rstrip("/") + chemin

    url_retour = absolue(reverse("facturation:paiement_retour"))
    url_notification = absolue(reverse("facturation:paiement_notification"))
    if settings.PAYFIP_SIMULATEUR:
        return AccesPayfip(
            url_wsdl=absolue(
                reverse("facturation:simulateur_ressource", args=["PaiementSecuriseService.wsdl"])
            ),
            url_page_paiement=absolue(reverse("facturation:simulateur_paiement")),
            url_retour=url_retour,
            url_notification=url_notification,
        )
    return AccesPayfip(
        url_wsdl=None,
        url_page_paiement="",
        url_retour=url_retour,
        url_notification=url_notification,
    )


def paiements_en_cours_verifier(*, url_site: str, depuis_minutes: int = 20) -> int:
    """Redemande à PayFiP l'état des paiements restés en cours (notification et retour perdus)."""
    limite = timezone.now() - timedelta(minutes=depuis_minutes)
    acces = acces_payfip(url_site)
    idops = list(
        TransactionPaiement.objects.filter(
            etat=EtatTransaction.EN_COURS, idop__isnull=False, creee_le__lte=limite
        ).values_list("idop", flat=True)
    )
    for idop in idops:
        paiement_verifier(idop=idop or "", source="vérification", acces=acces)
    return len(idops)


def _client_soap(url_wsdl: str | None) -> PayFiP:
    cle = url_wsdl or ""
    if cle not in _CLIENTS:
        _CLIENTS[cle] = PayFiP(wsdl_url=url_wsdl)
    return _CLIENTS[cle]


def backend_payfip(acces: AccesPayfip, *, numcli: str = "", saisie: str = "W") -> Any:
    backend = eopayment.get_backend(eopayment.PAYFIP_WS)(
        {
            "numcli": numcli,
            "saisie": saisie,
            "normal_return_url": acces.url_retour,
            "automatic_return_url": acces.url_notification,
        },
        logger=logger,
    )
    backend.payfip = _client_soap(acces.url_wsdl)
    return backend


def _journal(
    *, transaction_: TransactionPaiement | None, source: str, idop: str, resultat: str, donnees=None
) -> None:
    EvenementPaiement.objects.create(
        transaction=transaction_,
        source=source,
        idop=idop[:64],
        resultat=resultat[:255],
        donnees=donnees or {},
    )
    if transaction_ is not None:
        horodatage = timezone.localtime().strftime("%d/%m/%Y %H:%M:%S")
        transaction_.message = f"{transaction_.message}{horodatage} [{source}] {resultat}\n"
        transaction_.save(update_fields=["message"])


def factures_payables(famille: Famille):
    """Les factures qu'une famille peut payer en ligne (régie avec un numéro PayFiP)."""
    en_cours = TransactionFacture.objects.filter(facture=OuterRef("pk"), en_cours=True)
    # Une facture dont le prélèvement est annoncé (mandat signé, pas de rejet) ne se paie pas
    # en ligne : elle serait payée deux fois.
    mandat = Mandat.objects.filter(
        famille=OuterRef("famille"), regie=OuterRef("regie"), statut=StatutMandat.ACTIF
    )
    rejet = OperationPrelevement.objects.filter(
        facture=OuterRef("pk"), statut=StatutOperation.REJETEE
    )
    return (
        Facture.objects.impayees()
        .filter(famille=famille)
        .exclude(regie__numero_client_payfip="")
        .exclude(Q(Exists(mandat)) & ~Q(Exists(rejet)) & ~Q(regie__ics=""))
        .annotate(paiement_en_cours=Exists(en_cours))
        .select_related("regie")
        .order_by("regie__nom", "date", "numero_ordre")
    )


def _liberer(tx: TransactionPaiement) -> None:
    TransactionFacture.objects.filter(transaction=tx).update(en_cours=False)


@transaction.atomic
def paiement_preparer(
    *, famille: Famille, factures_ids: list[int], email: str
) -> TransactionPaiement:
    """Réserve les factures cochées pour un paiement en ligne ; lève ValidationError sinon."""
    if not factures_ids:
        raise ValidationError("Cochez au moins une facture à payer.")
    ids = sorted(set(factures_ids))
    verrouillees = list(
        Facture.objects.select_for_update()
        .filter(pk__in=ids, famille=famille)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(verrouillees) != len(ids):
        raise ValidationError("Une des factures cochées n'existe pas ou n'est pas la vôtre.")
    factures = list(factures_payables(famille).filter(pk__in=ids))
    if len(factures) != len(ids):
        raise ValidationError(
            "Une des factures cochées est déjà réglée ou ne se paie pas en ligne."
        )
    regies = {f.regie_id for f in factures}
    if len(regies) != 1:
        raise ValidationError(
            "Les factures de régies différentes se paient séparément : cochez celles d'une régie."
        )
    if TransactionFacture.objects.filter(facture_id__in=ids, en_cours=True).exists():
        raise ValidationError(
            "Un paiement en ligne de cette facture est déjà en cours. "
            "Réessayez dans quelques minutes."
        )
    regie = factures[0].regie
    montant = sum((f.reste for f in factures), Decimal("0.00"))  # type: ignore[attr-defined]
    if montant < MONTANT_MINIMUM:
        raise ValidationError("PayFiP n'accepte pas de paiement de moins de 1,00 €.")
    tx = TransactionPaiement.objects.create(
        famille=famille,
        regie=regie,
        reference=factures[0].numero if len(factures) == 1 else "",
        montant=montant,
        email=email,
    )
    if not tx.reference:
        tx.reference = f"{regie.prefixe}G{tx.pk:07d}"
        tx.save(update_fields=["reference"])
    try:
        with transaction.atomic():
            TransactionFacture.objects.bulk_create(
                TransactionFacture(transaction=tx, facture=f, montant=f.reste)  # type: ignore[attr-defined]
                for f in factures
            )
    except IntegrityError as exc:
        raise ValidationError("Un paiement en ligne de cette facture est déjà en cours.") from exc
    return tx


def paiement_commencer(
    *, famille: Famille, factures_ids: list[int], email: str, acces: AccesPayfip
) -> tuple[TransactionPaiement, str]:
    """Crée la transaction, demande un idOp à PayFiP ; renvoie l'URL de la page de paiement."""
    _reverifier_bloquantes(factures_ids=factures_ids, famille=famille, acces=acces)
    tx = paiement_preparer(famille=famille, factures_ids=factures_ids, email=email)
    backend = backend_payfip(
        acces, numcli=tx.regie.numero_client_payfip, saisie=tx.regie.mode_payfip
    )
    try:
        idop, _, url = backend.request(
            amount=tx.montant,
            email=email,
            refdet=tx.reference,
            exer=str(timezone.localdate().year),
            subject=f"Portail Famille {tx.reference}",
        )
    except (PayFiPError, ValueError) as exc:
        with transaction.atomic():
            tx = TransactionPaiement.objects.select_for_update().get(pk=tx.pk)
            tx.etat = EtatTransaction.ERREUR
            tx.terminee_le = timezone.now()
            tx.save(update_fields=["etat", "terminee_le"])
            _liberer(tx)
            _journal(transaction_=tx, source="creation", idop="", resultat=f"Erreur : {exc}")
        raise ValidationError(
            "Le service de paiement PayFiP ne répond pas. Réessayez plus tard."
        ) from exc
    tx.idop = idop
    tx.save(update_fields=["idop"])
    _journal(transaction_=tx, source="creation", idop=idop, resultat="idOp obtenu, paiement ouvert")
    if acces.url_wsdl is not None:
        url = url.replace(PAYMENT_URL, acces.url_page_paiement)
    return tx, url


def _reverifier_bloquantes(
    *, factures_ids: list[int], famille: Famille, acces: AccesPayfip
) -> None:
    """Avant un nouvel essai, redemande à PayFiP l'état des paiements encore en cours."""
    en_cours = TransactionPaiement.objects.filter(
        famille=famille,
        etat=EtatTransaction.EN_COURS,
        idop__isnull=False,
        lignes__facture_id__in=factures_ids,
        lignes__en_cours=True,
    ).distinct()
    for tx in en_cours:
        paiement_verifier(idop=tx.idop or "", source="nouvel essai", acces=acces)


def paiement_verifier(*, idop: str, source: str, acces: AccesPayfip) -> TransactionPaiement | None:
    """Notification, retour ou vérification : lit le résultat chez PayFiP et l'applique une fois."""
    idop = (idop or "").strip()[:64]
    tx = (
        TransactionPaiement.objects.filter(idop=idop).select_related("regie").first()
        if idop
        else None
    )
    if tx is None:
        _journal(
            transaction_=None, source=source, idop=idop, resultat="idOp inconnu : rien n'est payé"
        )
        return None
    if tx.etat in ETATS_TRANSACTION_FINIS:
        _journal(
            transaction_=tx, source=source, idop=idop, resultat="déjà traitée : rien ne change"
        )
        return tx
    backend = backend_payfip(acces, numcli=tx.regie.numero_client_payfip)
    try:
        reponse = backend.payment_status(idop, transaction_date=tx.creee_le)
    except PayFiPError as exc:
        _journal(transaction_=tx, source=source, idop=idop, resultat=f"PayFiP injoignable : {exc}")
        return tx
    return _appliquer(tx_id=tx.pk, reponse=reponse, source=source)


def _texte(valeur: Any) -> str:
    return "" if valeur is None else str(valeur)


@transaction.atomic
def _appliquer(*, tx_id: int, reponse: Any, source: str) -> TransactionPaiement:
    # Le verrou de la transaction : notification et retour simultanés n'appliquent qu'une fois.
    tx = TransactionPaiement.objects.select_for_update().select_related("regie").get(pk=tx_id)
    donnees = {k: _texte(v) for k, v in (reponse.bank_data or {}).items()}
    idop = tx.idop or ""
    if tx.etat in ETATS_TRANSACTION_FINIS:
        _journal(
            transaction_=tx, source=source, idop=idop, resultat="déjà traitée : rien ne change"
        )
        return tx
    statut = eopayment.STATUS_NAME.get(reponse.result, "?")
    if reponse.result == eopayment.WAITING:
        _journal(transaction_=tx, source=source, idop=idop, resultat="en attente chez PayFiP")
        return tx
    nouvel_etat = {
        eopayment.DENIED: EtatTransaction.REFUSEE,
        eopayment.CANCELLED: EtatTransaction.ANNULEE,
        eopayment.EXPIRED: EtatTransaction.EXPIREE,
    }.get(reponse.result, EtatTransaction.ANOMALIE)
    resultat = f"{statut} ({reponse.bank_status}) : rien n'est payé"
    if reponse.result == eopayment.PAID:
        attendu = {
            "montant": str(int(tx.montant * 100)),
            "refdet": tx.reference,
            "numcli": tx.regie.numero_client_payfip,
        }
        ecarts = [
            f"{cle} {donnees.get(cle)!r} au lieu de {valeur!r}"
            for cle, valeur in attendu.items()
            if donnees.get(cle) != valeur
        ]
        if ecarts:
            nouvel_etat = EtatTransaction.ANOMALIE
            resultat = "Payé chez PayFiP mais " + ", ".join(ecarts) + " : rien n'est imputé"
        else:
            lignes = list(tx.lignes.select_related("facture").order_by("facture__date", "pk"))
            tx.reglement = reglement_enregistrer(
                famille=tx.famille,
                regie=tx.regie,
                montant=tx.montant,
                mode=ModeReglement.EN_LIGNE,
                reference=f"PayFiP {donnees.get('numauto') or idop}"[:60],
                factures=[ligne.facture for ligne in lignes],
            )
            nouvel_etat = EtatTransaction.PAYEE
            resultat = f"payée ({reponse.bank_status}), règlement n°{tx.reglement.numero}"
    if nouvel_etat == EtatTransaction.ANOMALIE:
        logger.warning("Paiement PayFiP %s en anomalie : %s", idop, resultat)
    tx.etat = nouvel_etat
    tx.donnees_banque = donnees
    tx.terminee_le = timezone.now()
    tx.save(update_fields=["etat", "donnees_banque", "terminee_le", "reglement"])
    _liberer(tx)
    _journal(transaction_=tx, source=source, idop=idop, resultat=resultat, donnees=donnees)
    return tx
