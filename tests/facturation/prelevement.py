"""Aides des tests du prélèvement : régie avec ICS, mandat signé, facture d'un mois."""

from datetime import date
from decimal import Decimal

from facturation.models import Facture, LigneFacture, Mandat, Regie
from facturation.prelevement.models import StatutMandat
from facturation.services import numero_facture

IBAN_MARTIN = "FR7630006000011234567890189"
IBAN_DUPONT = "FR1420041010050500013M02606"
IBAN_CREANCIER = "FR7630001007941234567890185"


def regie_sepa(regie: Regie, **champs) -> Regie:
    valeurs = {
        "ics": "FR72ZZZ123456",
        "creancier_nom": "Régie cantine",
        "creancier_iban": IBAN_CREANCIER,
        "creancier_bic": "BDFEFRPPCCT",
        "jour_prelevement": 5,
        "delai_prenotification_jours": 14,
        **champs,
    }
    Regie.objects.filter(pk=regie.pk).update(**valeurs)
    regie.refresh_from_db()
    return regie


def mandat_signe(famille, regie: Regie, *, iban: str = IBAN_MARTIN, rang: int = 1) -> Mandat:
    return Mandat.objects.create(
        famille=famille,
        regie=regie,
        rum=f"{regie.prefixe}{famille.numero}M{rang:03d}",
        ics=regie.ics,
        titulaire=f"{famille.nom} titulaire",
        iban=iban,
        bic="AGRIFRPP",
        statut=StatutMandat.ACTIF,
        date_signature=date(2026, 9, 1),
    )


def facture(famille, regie: Regie, jour: date, montant: str = "17.00") -> Facture:
    """Une facture datée ``jour`` (période : le mois de ``jour``) d'une ligne."""
    regie.refresh_from_db()
    ordre = regie.prochain_numero_facture
    Regie.objects.filter(pk=regie.pk).update(prochain_numero_facture=ordre + 1)
    montant_d = Decimal(montant)
    debut = jour.replace(day=1)
    f = Facture.objects.create(
        regie=regie,
        famille=famille,
        numero_ordre=ordre,
        numero=numero_facture(regie, ordre),
        periode_debut=debut,
        periode_fin=jour,
        date=jour,
        echeance=jour,
        total=montant_d,
    )
    LigneFacture.objects.create(
        facture=f,
        enfant=famille.enfants.first(),
        date=jour,
        libelle="CANTINE — Repas",
        quantite=Decimal("1.00"),
        prix_unitaire=montant_d,
        montant=montant_d,
    )
    return f
