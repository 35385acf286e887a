"""Démo du prélèvement : la régie CA a un ICS de test ; MARTIN (1002) paie par prélèvement.

Un mandat signé sur FR76 3000 6000 0112 3456 7890 189 et une facture impayée du mois en
cours, dont la date de prélèvement est annoncée. Idempotent.
"""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from familles.models import Famille

from ..models import Facture, LigneFacture, Regie
from ..services import bornes_du_mois, numero_facture
from .models import Mandat, StatutMandat
from .selectors import date_annoncee

IBAN_MARTIN = "FR7630006000011234567890189"


def charger(regie: Regie) -> list[str]:
    Regie.objects.filter(pk=regie.pk, ics="").update(
        ics="FR72ZZZ123456",
        creancier_nom="Trésor public — Régie cantine garderie",
        creancier_iban="FR7630001007941234567890185",
        creancier_bic="BDFEFRPPCCT",
        jour_prelevement=5,
        signature_en_ligne=True,
    )
    regie.refresh_from_db()
    martin = Famille.objects.filter(numero="1002").first()
    hugo = martin.enfants.order_by("pk").first() if martin else None
    if martin is None or hugo is None:
        return []
    Famille.objects.filter(pk=martin.pk).update(
        titulaire_compte="Claire MARTIN", iban=IBAN_MARTIN, bic="AGRIFRPP", prelevement=True
    )
    aujourdhui = timezone.localdate()
    Mandat.objects.get_or_create(
        famille=martin,
        regie=regie,
        statut=StatutMandat.ACTIF,
        defaults={
            "rum": f"{regie.prefixe}{martin.numero}M001",
            "ics": regie.ics,
            "titulaire": "Claire MARTIN",
            "iban": IBAN_MARTIN,
            "bic": "AGRIFRPP",
            "date_signature": date(aujourdhui.year - 1, 9, 1),
        },
    )
    debut, fin = bornes_du_mois(aujourdhui)
    facture = Facture.objects.filter(famille=martin, regie=regie, periode_debut=debut).first()
    if facture is None:
        regie.refresh_from_db()
        ordre = regie.prochain_numero_facture
        prix = Decimal("3.40")
        jours = [j for j in (debut.replace(day=d) for d in (2, 3, 4)) if j.weekday() < 5] or [debut]
        facture = Facture.objects.create(
            regie=regie,
            famille=martin,
            numero_ordre=ordre,
            numero=numero_facture(regie, ordre),
            periode_debut=debut,
            periode_fin=fin,
            date=debut,
            echeance=date.fromordinal(debut.toordinal() + regie.delai_paiement_jours),
            total=prix * len(jours),
        )
        LigneFacture.objects.bulk_create(
            LigneFacture(
                facture=facture,
                enfant=hugo,
                date=jour,
                libelle="CANTINE — Repas",
                quantite=Decimal("1.00"),
                prix_unitaire=prix,
                montant=prix,
            )
            for jour in jours
        )
        regie.prochain_numero_facture = ordre + 1
        regie.save(update_fields=["prochain_numero_facture"])
    return [
        f"Prélèvement : MARTIN a un mandat signé ; la facture {facture.numero} sera prélevée le "
        f"{date_annoncee(facture, regie):%d/%m/%Y} (régie {regie.prefixe}, ICS {regie.ics})"
    ]
