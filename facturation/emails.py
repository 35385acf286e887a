"""Les e-mails de la facturation, envoyés par Celery après le commit (sous les services :
ils lisent les modèles et rendent les gabarits, sans appeler de service). Les noms des tâches
sont ceux d'avant leur déplacement depuis ``tasks.py`` : les tâches déjà en file tournent."""

from demandes.models import Demande, StatutDemande
from familles.models import Famille
from portail.noyau.emails import PieceJointe, envoyer_email, tache_email

from .attestations import attestation_frais_garde, pdf_attestation
from .models import DUPLICATA, RECU, Facture, OperationPrelevement, Reglement
from .pdf import pdf_facture, pdf_recu


@tache_email("facturation.tasks.envoyer_document_demande")
def envoyer_document_demande(*, demande_id: int) -> int:
    """Envoie à la famille, en pièce jointe, la facture ou le reçu d'une demande acceptée."""
    demande = (
        Demande.objects.select_related("famille", "cree_par")
        .prefetch_related("famille__responsables__compte")
        .filter(pk=demande_id, statut=StatutDemande.ACCEPTEE, type__in=[DUPLICATA, RECU])
        .first()
    )
    if demande is None:
        return 0
    famille = demande.famille
    if demande.type == DUPLICATA:
        facture = Facture.objects.filter(pk=demande.cible_id or 0, famille=famille).first()
        if facture is None:
            return 0
        piece = PieceJointe(f"facture-{facture.numero}.pdf", pdf_facture(facture))
        document = f"la facture {facture.numero}"
    else:
        reglement = Reglement.objects.filter(pk=demande.cible_id or 0, famille=famille).first()
        if reglement is None:
            return 0
        piece = PieceJointe(f"recu-reglement-{reglement.numero}.pdf", pdf_recu(reglement))
        document = f"le reçu du règlement n°{reglement.numero}"
    return envoyer_email(
        # Le document va à l'adulte qui l'a demandé.
        destinataires=famille.adresses_a_ecrire(auteur=demande.cree_par),
        gabarit="facturation_document",
        contexte={"famille": famille, "document": document},
        pieces_jointes=[piece],
    )


@tache_email("facturation.tasks.envoyer_attestation_frais_garde")
def envoyer_attestation_frais_garde(*, famille_id: int, annee: int) -> int:
    """Envoie à la famille son attestation de frais de garde de l'année (si elle n'est pas vide)."""
    famille = Famille.objects.prefetch_related("responsables__compte").filter(pk=famille_id).first()
    if famille is None:
        return 0
    attestation = attestation_frais_garde(famille=famille, annee=annee)
    if attestation.vide:
        return 0
    return envoyer_email(
        destinataires=famille.adresses_a_ecrire(),
        gabarit="attestation_frais_garde",
        contexte={"famille": famille, "attestation": attestation},
        pieces_jointes=[PieceJointe(attestation.nom_fichier, pdf_attestation(attestation))],
    )


@tache_email("facturation.tasks.envoyer_avis_rejet")
def envoyer_avis_rejet(*, operation_id: int) -> int:
    """Prévient la famille qu'un prélèvement est rejeté et que la facture est à régler."""
    operation = (
        OperationPrelevement.objects.select_related("facture", "lot", "mandat", "facture__famille")
        .prefetch_related("facture__famille__responsables__compte")
        .filter(pk=operation_id, statut="rejetee")
        .first()
    )
    if operation is None:
        return 0
    famille = operation.facture.famille
    return envoyer_email(
        destinataires=famille.adresses_a_ecrire(),
        gabarit="prelevement_rejet",
        contexte={"famille": famille, "operation": operation, "mandat": operation.mandat},
    )
