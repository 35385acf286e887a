"""Les PDF de la facturation : facture (ou avoir) et reçu de règlement, par WeasyPrint."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portail.noyau.pdf import rendre_pdf

from .models import Facture, Mandat, Reglement
from .prelevement.selectors import prenotifications


@dataclass
class Prestation:
    """Les lignes d'un enfant pour une même prestation au même prix : une ligne du PDF."""

    libelle: str
    prix_unitaire: Decimal
    jours: list[date] = field(default_factory=list)
    quantite: Decimal = Decimal("0")
    montant: Decimal = Decimal("0.00")

    @property
    def dates(self) -> str:
        return ", ".join(jour.strftime("%d/%m") for jour in self.jours)


def pdf_facture(facture: Facture) -> bytes:
    facture = (
        Facture.objects.avec_soldes()
        .select_related("regie", "famille", "facture_corrigee")
        .get(pk=facture.pk)
    )
    par_enfant: dict[str, dict[tuple[str, Decimal], Prestation]] = {}
    for ligne in facture.lignes.select_related("enfant").order_by("enfant__prenom", "date", "id"):
        nom = f"{ligne.enfant.prenom} {ligne.enfant.nom}" if ligne.enfant else "Famille"
        groupe = par_enfant.setdefault(nom, {})
        prestation = groupe.setdefault(
            (ligne.libelle, ligne.prix_unitaire),
            Prestation(libelle=ligne.libelle, prix_unitaire=ligne.prix_unitaire),
        )
        prestation.jours.append(ligne.date)
        prestation.quantite += ligne.quantite
        prestation.montant += ligne.montant
    return rendre_pdf(
        "facturation/pdf/facture.html",
        {
            "facture": facture,
            "par_enfant": [(nom, list(groupe.values())) for nom, groupe in par_enfant.items()],
            "prenotification": prenotifications(facture.famille, [facture]).get(facture.pk),
        },
    )


def pdf_recu(reglement: Reglement) -> bytes:
    reglement = Reglement.objects.select_related("regie", "famille").get(pk=reglement.pk)
    affectations = list(reglement.affectations.select_related("facture").order_by("facture__date"))
    return rendre_pdf(
        "facturation/pdf/recu.html", {"reglement": reglement, "affectations": affectations}
    )


def pdf_mandat(mandat: Mandat) -> bytes:
    mandat = Mandat.objects.select_related("regie", "famille", "signe_par").get(pk=mandat.pk)
    return rendre_pdf("facturation/pdf/mandat.html", {"mandat": mandat})
