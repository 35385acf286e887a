"""Mandats SEPA, passage de prélèvement, encaissement et rejets (fonctions de service)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from familles.models import Famille
from familles.validators import normaliser_iban, valider_bic, valider_iban
from portail.noyau.formats import format_montant

from ..emails import envoyer_avis_rejet
from ..models import ZERO, Affectation, Facture, ModeReglement, Regie, Reglement
from .models import (
    STATUTS_MANDAT_OUVERTS,
    LotPrelevement,
    Mandat,
    OperationPrelevement,
    Sequence,
    StatutLot,
    StatutMandat,
    StatutOperation,
    libelle_motif,
)
from .retours import lire_retour
from .selectors import factures_a_prelever
from .sepa import Creancier, Debit, fichier_pain008

# Un mandat sans prélèvement pendant 36 mois devient caduc (règles SEPA).
MOIS_CADUCITE = 36


def _agent(agent: Any) -> Any:
    return agent if getattr(agent, "is_authenticated", False) else None


# --- Mandats -------------------------------------------------------------------------


def _rum(regie: Regie, famille: Famille) -> str:
    rang = Mandat.objects.filter(regie=regie, famille=famille).count() + 1
    return f"{regie.prefixe}{famille.numero}M{rang:03d}"[:35]


@transaction.atomic
def mandats_depuis_coordonnees(*, famille: Famille, agent: Any = None) -> list[Mandat]:
    """Accorde les mandats ouverts de la famille à ses coordonnées bancaires acceptées.

    Prélèvement demandé : un mandat à signer par régie qui propose le prélèvement (un
    nouveau, qui clôt l'ancien, si l'IBAN ou le BIC change). Plus de prélèvement : les
    mandats ouverts sont clos.
    """
    famille = Famille.objects.select_for_update().get(pk=famille.pk)
    ouverts = {
        m.regie_id: m
        for m in Mandat.objects.select_for_update().filter(
            famille=famille, statut__in=STATUTS_MANDAT_OUVERTS
        )
    }
    if not famille.prelevement:
        for mandat in ouverts.values():
            _clore(mandat, "Arrêt du prélèvement automatique demandé par la famille.")
        return []
    regies = [r for r in Regie.objects.exclude(ics="").order_by("pk") if r.propose_prelevement]
    if not regies:
        return []
    if not famille.iban or not famille.bic:
        raise ValidationError("Le prélèvement automatique demande un IBAN et un BIC.")
    iban = normaliser_iban(famille.iban)
    valider_iban(iban)
    valider_bic(famille.bic)
    titulaire = (famille.titulaire_compte or famille.nom).strip()[:120]
    crees = []
    for regie in regies:
        ancien = ouverts.get(regie.pk)
        if ancien is not None and ancien.iban == iban and ancien.bic == famille.bic.upper():
            if ancien.titulaire != titulaire:
                ancien.titulaire = titulaire
                ancien.save(update_fields=["titulaire"])
            continue
        if ancien is not None:
            _clore(ancien, "Nouvelles coordonnées bancaires : remplacé par un nouveau mandat.")
        crees.append(
            Mandat.objects.create(
                famille=famille,
                regie=regie,
                rum=_rum(regie, famille),
                ics=regie.ics,
                titulaire=titulaire,
                iban=iban,
                bic=famille.bic.upper(),
                remplace=ancien,
            )
        )
    return crees


def recevoir_coordonnees_bancaires(
    sender: Any, *, famille: Famille, agent: Any = None, **_: Any
) -> None:
    """Récepteur du signal de familles : les mandats suivent les coordonnées acceptées."""
    mandats_depuis_coordonnees(famille=famille, agent=agent)


def _clore(mandat: Mandat, motif: str) -> None:
    mandat.statut = StatutMandat.CLOS
    mandat.clos_le = timezone.localdate()
    mandat.motif_cloture = motif[:160]
    mandat.save(update_fields=["statut", "clos_le", "motif_cloture"])


def _mandat_verrouille(mandat: Mandat) -> Mandat:
    return Mandat.objects.select_for_update().select_related("regie").get(pk=mandat.pk)


@transaction.atomic
def mandat_enregistrer_signature(
    *, mandat: Mandat, date_signature: date, agent: Any = None
) -> Mandat:
    """L'agent enregistre le mandat papier signé reçu de la famille."""
    mandat = _mandat_verrouille(mandat)
    if mandat.statut != StatutMandat.A_SIGNER:
        raise ValidationError(f"Le mandat {mandat.rum} n'est pas en attente de signature.")
    if date_signature > timezone.localdate():
        raise ValidationError("La date de signature ne peut pas être dans le futur.")
    mandat.statut = StatutMandat.ACTIF
    mandat.date_signature = date_signature
    mandat.save(update_fields=["statut", "date_signature"])
    return mandat


@transaction.atomic
def mandat_signer_en_ligne(
    *, mandat: Mandat, famille: Famille, utilisateur: Any, consentement: bool
) -> Mandat:
    """Le parent signe en ligne (si la régie l'accepte) : consentement, date, heure, adulte."""
    mandat = _mandat_verrouille(mandat)
    if mandat.famille_id != famille.pk:
        raise ValidationError("Ce mandat n'est pas le vôtre.")
    if not mandat.regie.signature_en_ligne:
        raise ValidationError(
            "Cette régie demande le mandat papier signé : imprimez-le, signez-le et remettez-le "
            "à la mairie."
        )
    if mandat.statut != StatutMandat.A_SIGNER:
        raise ValidationError("Ce mandat n'est pas en attente de signature.")
    if not consentement:
        raise ValidationError("Cochez la case pour autoriser le prélèvement.")
    maintenant = timezone.now()
    mandat.statut = StatutMandat.ACTIF
    mandat.date_signature = timezone.localdate(maintenant)
    mandat.signe_en_ligne_le = maintenant
    mandat.signe_par = utilisateur
    mandat.save(update_fields=["statut", "date_signature", "signe_en_ligne_le", "signe_par"])
    return mandat


@transaction.atomic
def mandat_clore(*, mandat: Mandat, motif: str, agent: Any = None) -> Mandat:
    mandat = _mandat_verrouille(mandat)
    if mandat.statut not in STATUTS_MANDAT_OUVERTS:
        raise ValidationError(f"Le mandat {mandat.rum} est déjà clos.")
    _clore(mandat, motif or "Clos par la mairie.")
    return mandat


@transaction.atomic
def mandat_lever_suspension(*, mandat: Mandat, agent: Any = None) -> Mandat:
    mandat = _mandat_verrouille(mandat)
    if mandat.statut != StatutMandat.SUSPENDU:
        raise ValidationError(f"Le mandat {mandat.rum} n'est pas suspendu.")
    mandat.statut = StatutMandat.ACTIF
    mandat.rejets_consecutifs = 0
    mandat.save(update_fields=["statut", "rejets_consecutifs"])
    return mandat


def _il_y_a_36_mois(jour: date) -> date:
    return jour.replace(year=jour.year - MOIS_CADUCITE // 12, day=min(jour.day, 28))


@transaction.atomic
def mandats_rendre_caducs(*, aujourdhui: date, regie: Regie | None = None) -> int:
    """Les mandats signés sans prélèvement depuis 36 mois deviennent caducs."""
    mandats = Mandat.objects.filter(statut__in=[StatutMandat.ACTIF, StatutMandat.SUSPENDU])
    if regie is not None:
        mandats = mandats.filter(regie=regie)
    limite = _il_y_a_36_mois(aujourdhui)
    return (
        mandats.annotate(dernier_usage=Coalesce(F("dernier_prelevement"), F("date_signature")))
        .filter(dernier_usage__lt=limite)
        .update(
            statut=StatutMandat.CADUC,
            clos_le=aujourdhui,
            motif_cloture="Caduc : aucun prélèvement pendant 36 mois.",
        )
    )


# --- Passage de prélèvement ----------------------------------------------------------


@dataclass
class ResultatPrelevement:
    regie: Regie
    date_prelevement: date
    essai: bool
    nombre: int = 0
    total: Decimal = ZERO
    premiers: int = 0
    lot: LotPrelevement | None = None
    numeros: list[str] = field(default_factory=list)

    def resume(self) -> str:
        action = "seraient prélevées" if self.essai else "prélevées"
        return (
            f"{self.regie.nom} — prélèvement du {self.date_prelevement:%d/%m/%Y} : "
            f"{self.nombre} facture(s) {action} ({self.premiers} premier(s) prélèvement(s)), "
            f"total {format_montant(self.total)}"
        )


def _verifier_passage(regie: Regie, date_prelevement: date) -> None:
    if date_prelevement < timezone.localdate():
        raise ValidationError(f"La date de prélèvement du {date_prelevement:%d/%m/%Y} est passée.")
    if not regie.propose_prelevement:
        raise ValidationError(
            f"La régie « {regie.nom} » n'a pas d'identifiant créancier (ICS) ou de compte "
            "créancier : elle ne propose pas le prélèvement."
        )
    if LotPrelevement.objects.filter(regie=regie, date_prelevement=date_prelevement).exists():
        raise ValidationError(
            f"Un fichier de prélèvement existe déjà pour la régie « {regie.nom} » "
            f"le {date_prelevement:%d/%m/%Y}."
        )


def _libelle(facture: Facture) -> str:
    return (
        f"Facture {facture.numero} du {facture.periode_debut:%d/%m/%Y} "
        f"au {facture.periode_fin:%d/%m/%Y}"
    )


@transaction.atomic
def prelevement_lancer(
    *, regie: Regie, date_prelevement: date, essai: bool = False, agent: Any = None
) -> ResultatPrelevement:
    """Construit le fichier pain.008 d'une régie pour une date ; un seul par régie et date."""
    # Le verrou de la régie sérialise deux passages simultanés (et numérote les règlements).
    regie = Regie.objects.select_for_update().get(pk=regie.pk)
    _verifier_passage(regie, date_prelevement)
    if not essai:
        mandats_rendre_caducs(aujourdhui=timezone.localdate(), regie=regie)
    resultat = ResultatPrelevement(regie=regie, date_prelevement=date_prelevement, essai=essai)
    a_prelever = factures_a_prelever(regie=regie, date_prelevement=date_prelevement)
    debits = []
    premiers: set[int] = set()
    for facture, mandat in a_prelever:
        try:
            valider_iban(mandat.iban)
            valider_bic(mandat.bic)
        except ValidationError as exc:
            raise ValidationError(
                f"Le mandat {mandat.rum} ({mandat.titulaire}) a des coordonnées invalides : "
                f"{' '.join(exc.messages)} Rien n'a été prélevé."
            ) from exc
        sequence = Sequence.RCUR if mandat.deja_preleve else Sequence.FRST  # type: ignore[attr-defined]
        if sequence == Sequence.FRST:
            premiers.add(mandat.pk)
        debits.append(
            Debit(
                reference=facture.numero,
                titulaire=mandat.titulaire,
                iban=mandat.iban,
                bic=mandat.bic,
                montant=facture.reste,  # type: ignore[attr-defined]
                sequence=sequence,
                rum=mandat.rum,
                date_signature=mandat.date_signature or date_prelevement,
                libelle=_libelle(facture),
            )
        )
    resultat.nombre = len(debits)
    resultat.total = sum((d.montant for d in debits), ZERO)
    resultat.premiers = len(premiers)
    resultat.numeros = [d.reference for d in debits]
    if not debits:
        raise ValidationError(
            f"Aucune facture à prélever pour la régie « {regie.nom} » le "
            f"{date_prelevement:%d/%m/%Y}."
        )
    creancier = Creancier(
        nom=regie.creancier_nom or regie.nom,
        iban=regie.creancier_iban,
        bic=regie.creancier_bic,
        ics=regie.ics,
    )
    identifiant, contenu = fichier_pain008(
        creancier=creancier, date_prelevement=date_prelevement, debits=debits
    )
    if essai:
        return resultat
    lot = LotPrelevement(
        regie=regie,
        date_prelevement=date_prelevement,
        identifiant=identifiant,
        nombre=resultat.nombre,
        total=resultat.total,
        cree_par=_agent(agent),
    )
    lot.fichier.save(
        f"pain008-{regie.prefixe}-{date_prelevement:%Y%m%d}.xml", ContentFile(contenu), save=False
    )
    try:
        with transaction.atomic():
            lot.save()
    except IntegrityError as exc:
        lot.fichier.delete(save=False)
        raise ValidationError("Un fichier de prélèvement existe déjà pour cette date.") from exc
    try:
        _ecrire_reglements(regie, lot, a_prelever, debits, agent)
    except Exception:
        lot.fichier.delete(save=False)  # pas de fichier orphelin si la transaction échoue
        raise
    resultat.lot = lot
    return resultat


def _ecrire_reglements(
    regie: Regie,
    lot: LotPrelevement,
    a_prelever: list[tuple[Facture, Mandat]],
    debits: list[Debit],
    agent: Any,
) -> None:
    numero = regie.prochain_numero_reglement
    createur = _agent(agent)
    reglements = Reglement.objects.bulk_create(
        Reglement(
            regie=regie,
            famille_id=facture.famille_id,
            numero=numero + rang,
            date=lot.date_prelevement,
            mode=ModeReglement.PRELEVEMENT,
            montant=debit.montant,
            reference=f"Prélèvement {mandat.rum}"[:60],
            cree_par=createur,
        )
        for rang, ((facture, mandat), debit) in enumerate(zip(a_prelever, debits, strict=True))
    )
    regie.prochain_numero_reglement = numero + len(reglements)
    regie.save(update_fields=["prochain_numero_reglement"])
    Affectation.objects.bulk_create(
        Affectation(reglement=reglement, facture=facture, montant=reglement.montant)
        for reglement, (facture, _) in zip(reglements, a_prelever, strict=True)
    )
    OperationPrelevement.objects.bulk_create(
        OperationPrelevement(
            lot=lot,
            facture=facture,
            mandat=mandat,
            reglement=reglement,
            sequence=debit.sequence,
            montant=debit.montant,
            iban=debit.iban,
        )
        for reglement, (facture, mandat), debit in zip(reglements, a_prelever, debits, strict=True)
    )
    Mandat.objects.filter(pk__in={m.pk for _, m in a_prelever}).update(
        dernier_prelevement=lot.date_prelevement
    )


@transaction.atomic
def lot_encaisser(*, lot: LotPrelevement, encaisse_le: date, agent: Any = None) -> LotPrelevement:
    """La banque a versé le fichier : ses règlements non rejetés sont encaissés."""
    lot = LotPrelevement.objects.select_for_update().get(pk=lot.pk)
    if lot.statut == StatutLot.ENCAISSE:
        raise ValidationError(f"Le fichier du {lot.date_prelevement:%d/%m/%Y} est déjà encaissé.")
    if encaisse_le < lot.date_prelevement:
        raise ValidationError("La date d'encaissement précède la date du prélèvement.")
    if encaisse_le > timezone.localdate():
        raise ValidationError("La date d'encaissement ne peut pas être dans le futur.")
    presentees = OperationPrelevement.objects.filter(lot=lot, statut=StatutOperation.PRESENTEE)
    Reglement.objects.filter(operation_prelevement__in=presentees, annule_le__isnull=True).update(
        encaisse_le=encaisse_le
    )
    Mandat.objects.filter(operations__in=presentees).update(rejets_consecutifs=0)
    lot.statut = StatutLot.ENCAISSE
    lot.encaisse_le = encaisse_le
    lot.save(update_fields=["statut", "encaisse_le"])
    return lot


# --- Rejets --------------------------------------------------------------------------


def _code(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 4 or not code.isalnum():
        raise ValidationError("Indiquez le code de rejet de la banque (4 caractères, ex. AM04).")
    return code


@transaction.atomic
def operation_rejeter(
    *, operation: OperationPrelevement, code: str, jour: date | None = None, agent: Any = None
) -> OperationPrelevement:
    """Le prélèvement d'une facture est rejeté : règlement annulé, facture de nouveau due."""
    code = _code(code)
    jour = jour or timezone.localdate()
    operation = (
        OperationPrelevement.objects.select_for_update()
        .select_related("lot", "facture")
        .get(pk=operation.pk)
    )
    if operation.statut == StatutOperation.REJETEE:
        raise ValidationError(
            f"Le prélèvement de la facture {operation.facture.numero} est déjà rejeté."
        )
    if jour < operation.lot.date_prelevement:
        raise ValidationError("La date du rejet précède la date du prélèvement.")
    motif = libelle_motif(code)
    reglement = Reglement.objects.select_for_update().get(pk=operation.reglement_id)
    reglement.annule_le = jour
    reglement.encaisse_le = None
    reglement.motif_annulation = f"Prélèvement rejeté : {motif}"[:160]
    reglement.save(update_fields=["annule_le", "encaisse_le", "motif_annulation"])
    Affectation.objects.filter(reglement=reglement).delete()
    operation.statut = StatutOperation.REJETEE
    operation.code_rejet = code
    operation.rejetee_le = jour
    operation.save(update_fields=["statut", "code_rejet", "rejetee_le"])
    mandat = Mandat.objects.select_for_update().get(pk=operation.mandat_id)
    mandat.rejets_consecutifs += 1
    champs = ["rejets_consecutifs"]
    # Deux rejets de suite : le mandat est suspendu jusqu'à ce qu'un agent le rétablisse.
    if mandat.rejets_consecutifs >= 2 and mandat.statut == StatutMandat.ACTIF:
        mandat.statut = StatutMandat.SUSPENDU
        champs.append("statut")
    mandat.save(update_fields=champs)
    operation_id = operation.pk
    transaction.on_commit(lambda: envoyer_avis_rejet.delay(operation_id=operation_id))
    return operation


@dataclass
class ResultatRetour:
    type_message: str
    rejetees: list[str] = field(default_factory=list)
    inconnues: list[str] = field(default_factory=list)
    deja: list[str] = field(default_factory=list)

    def resume(self) -> str:
        texte = f"Fichier {self.type_message} : {len(self.rejetees)} rejet(s) enregistré(s)"
        if self.deja:
            texte += f", {len(self.deja)} déjà enregistré(s)"
        if self.inconnues:
            texte += f", références inconnues : {', '.join(self.inconnues)}"
        return texte


@transaction.atomic
def retour_importer(*, regie: Regie, contenu: bytes, agent: Any = None) -> ResultatRetour:
    """Enregistre les rejets d'un fichier retour de la banque (pain.002 ou camt.054)."""
    type_message, rejets = lire_retour(contenu)
    resultat = ResultatRetour(type_message=type_message)
    for rejet in rejets:
        operation = (
            OperationPrelevement.objects.filter(lot__regie=regie, facture__numero=rejet.reference)
            .order_by("-lot__date_prelevement", "-id")
            .first()
        )
        if operation is None:
            resultat.inconnues.append(rejet.reference or "(vide)")
        elif operation.statut == StatutOperation.REJETEE:
            resultat.deja.append(rejet.reference)
        else:
            operation_rejeter(operation=operation, code=rejet.code, agent=agent)
            resultat.rejetees.append(rejet.reference)
    return resultat
