"""Les PDF de la facturation : facture (ou avoir) et reçu de règlement, par WeasyPrint."""

from itertools import groupby

from portail.pdf import rendre_pdf

from .models import Facture, Reglement


def pdf_facture(facture: Facture) -> bytes:
    facture = (
        Facture.objects.avec_soldes()
        .select_related("regie", "famille", "facture_corrigee")
        .get(pk=facture.pk)
    )
    lignes = list(facture.lignes.select_related("enfant").order_by("enfant__prenom", "date", "id"))
    par_enfant = [
        (enfant, list(groupe)) for enfant, groupe in groupby(lignes, key=lambda ligne: ligne.enfant)
    ]
    return rendre_pdf(
        "facturation/pdf/facture.html", {"facture": facture, "par_enfant": par_enfant}
    )


def pdf_recu(reglement: Reglement) -> bytes:
    reglement = Reglement.objects.select_related("regie", "famille").get(pk=reglement.pk)
    affectations = list(reglement.affectations.select_related("facture").order_by("facture__date"))
    return rendre_pdf(
        "facturation/pdf/recu.html", {"reglement": reglement, "affectations": affectations}
    )
