"""Démo : régie « Régie cantine garderie » (CA), tarifs, factures et règlements de DUPONT.

DUPONT a une facture impayée de 17,00 € pour septembre 2026 (CA000153 : 5 repas à 3,40 €)
et deux règlements antérieurs, l'un encaissé, l'autre non. Le paiement en ligne est
activé avec le simulateur PayFiP local. Idempotent.
"""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from familles.models import Enfant
from portail.noyau.configuration import vider_cache_configuration
from portail.noyau.models import Configuration
from reservations.models import Activite, EtatReservation, Reservation, TypeActivite, Unite

from .models import ActiviteFacturee, Affectation, Facture, LigneFacture, Regie, Reglement, Tarif
from .prelevement.demo import charger as demo_prelevement


def _activite(type_: str, nom: str) -> Activite:
    activite = Activite.objects.filter(type=type_).order_by("ordre", "pk").first()
    if activite is None:
        activite, _ = Activite.objects.get_or_create(nom=nom, defaults={"type": type_})
    return activite


def _tarif(unite: Unite, prix: str, **tranche) -> None:
    Tarif.objects.get_or_create(
        unite=unite, date_debut=date(2025, 9, 1), **tranche, defaults={"prix": Decimal(prix)}
    )


def _facture(regie, famille, enfant, ordre, debut, fin, unite, jours, prix) -> Facture:
    facture = Facture.objects.filter(regie=regie, numero_ordre=ordre).first()
    if facture is not None:
        return facture
    prix = Decimal(prix)
    facture = Facture.objects.create(
        regie=regie,
        famille=famille,
        numero_ordre=ordre,
        numero=f"{regie.prefixe}{ordre:06d}",
        periode_debut=debut,
        periode_fin=fin,
        date=fin,
        echeance=date.fromordinal(fin.toordinal() + 30),
        total=prix * len(jours),
    )
    for jour in jours:
        reservation, _ = Reservation.objects.get_or_create(
            enfant=enfant,
            famille=enfant.famille,
            unite=unite,
            date=jour,
            defaults={"etat": EtatReservation.PRESENT},
        )
        LigneFacture.objects.create(
            facture=facture,
            enfant=enfant,
            reservation=None if hasattr(reservation, "ligne_facture") else reservation,
            date=jour,
            libelle=f"{unite.activite.nom} — {unite.nom}",
            quantite=Decimal("1.00"),
            prix_unitaire=prix,
            montant=prix,
        )
    return facture


def _reglement(regie, famille, numero, jour, mode, facture, encaisse_le) -> None:
    if Reglement.objects.filter(regie=regie, numero=numero).exists():
        return
    reglement = Reglement.objects.create(
        regie=regie,
        famille=famille,
        numero=numero,
        date=jour,
        mode=mode,
        montant=facture.total,
        encaisse_le=encaisse_le,
    )
    Affectation.objects.create(reglement=reglement, facture=facture, montant=facture.total)


def charger() -> list[str]:
    regie, _ = Regie.objects.get_or_create(
        prefixe="CA",
        defaults={
            "nom": "Régie cantine garderie",
            "numero_client_payfip": "123456",
            "mode_payfip": "T",
        },
    )
    cantine = _activite(TypeActivite.CANTINE, "CANTINE")
    garderie = _activite(TypeActivite.PERISCOLAIRE, "GARDERIE")
    for activite in (cantine, garderie):
        ActiviteFacturee.objects.get_or_create(activite=activite, defaults={"regie": regie})
    ActiviteFacturee.objects.filter(activite=garderie).update(eligible_frais_garde=True)
    repas, _ = Unite.objects.get_or_create(activite=cantine, nom="Repas")
    _tarif(repas, "2.50", quotient_max=700)
    _tarif(repas, "3.40", quotient_min=701)
    matin, _ = Unite.objects.get_or_create(activite=garderie, nom="Matin")
    soir, _ = Unite.objects.get_or_create(activite=garderie, nom="Soir")
    for unite in (matin, soir):
        _tarif(unite, "1.50")
    # L'accueil de loisirs (s'il existe dans la démo des réservations) a sa propre régie.
    alsh = list(Activite.objects.filter(type=TypeActivite.ALSH))
    if alsh:
        regie_al, _ = Regie.objects.get_or_create(
            prefixe="AL",
            defaults={
                "nom": "Régie accueil de loisirs",
                "numero_client_payfip": "654321",
                "mode_payfip": "T",
            },
        )
        for activite in alsh:
            ActiviteFacturee.objects.get_or_create(
                activite=activite, defaults={"regie": regie_al, "eligible_frais_garde": True}
            )
            for unite in activite.unites.all():
                journee = unite.nom.lower().startswith("journ")
                _tarif(unite, "5.00" if journee else "3.00", quotient_max=700)
                _tarif(unite, "8.00" if journee else "4.50", quotient_min=701)
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=True)
    vider_cache_configuration()

    lise = (
        Enfant.objects.filter(famille__numero="1001", prenom="Lise")
        .select_related("famille")
        .first()
    )
    if lise is None:
        return []
    dupont = lise.famille
    mai = _facture(
        regie,
        dupont,
        lise,
        151,
        date(2026, 5, 1),
        date(2026, 5, 31),
        matin,
        [date(2026, 5, j) for j in (4, 5, 11, 12)],
        "1.50",
    )
    juin = _facture(
        regie,
        dupont,
        lise,
        152,
        date(2026, 6, 1),
        date(2026, 6, 30),
        soir,
        [date(2026, 6, j) for j in (1, 2, 8, 9)],
        "1.50",
    )
    _facture(
        regie,
        dupont,
        lise,
        153,
        date(2026, 9, 1),
        date(2026, 9, 30),
        repas,
        [date(2026, 9, j) for j in (1, 3, 4, 7, 8)],
        "3.40",
    )
    _reglement(regie, dupont, 1, date(2026, 6, 10), "cheque", mai, date(2026, 6, 15))
    _reglement(regie, dupont, 2, date(2026, 7, 6), "en_ligne", juin, None)
    Regie.objects.filter(pk=regie.pk, prochain_numero_facture__lt=154).update(
        prochain_numero_facture=154
    )
    Regie.objects.filter(pk=regie.pk, prochain_numero_reglement__lt=3).update(
        prochain_numero_reglement=3
    )
    lignes = [
        "Facturation : DUPONT doit 17,00 € (CA000153) ; paiement en ligne par le simulateur",
        *demo_prelevement(regie),
    ]
    leo = Enfant.objects.filter(famille=dupont, prenom="Léo").first()
    if leo is not None:
        lignes.append(_garderie_de_leo(regie, dupont, leo, soir))
    return lignes


def _garderie_de_leo(regie: Regie, dupont, leo, soir: Unite) -> str:
    """La garderie de janvier de Léo (moins de 6 ans), payée : une attestation non vide."""
    annee = timezone.localdate().year
    facture = Facture.objects.filter(famille=dupont, lignes__enfant=leo).first()
    if facture is None:
        regie = Regie.objects.get(pk=regie.pk)
        jours = [date(annee, 1, j) for j in range(12, 31) if date(annee, 1, j).weekday() < 5]
        facture = _facture(
            regie,
            dupont,
            leo,
            regie.prochain_numero_facture,
            date(annee, 1, 1),
            date(annee, 1, 31),
            soir,
            jours[:6],
            "1.50",
        )
        jour = min(timezone.localdate(), date(annee, 2, 5))
        _reglement(regie, dupont, regie.prochain_numero_reglement, jour, "cheque", facture, jour)
        Regie.objects.filter(pk=regie.pk).update(
            prochain_numero_facture=regie.prochain_numero_facture + 1,
            prochain_numero_reglement=regie.prochain_numero_reglement + 1,
        )
    return f"Attestation de frais de garde {annee} : Léo (DUPONT), garderie {facture.numero}"
