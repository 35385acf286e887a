"""Démonstration de la liste d'attente et du règlement intérieur (idempotent).

ALSH MERCREDI a un mercredi du mois prochain complet (24 places sur 24 prises par d'autres
foyers de démonstration, numéros 9001 à 9024) : DUPONT y voit « Liste d'attente ». Un
règlement intérieur de l'année scolaire est publié : DUPONT l'a accepté, MARTIN non. La règle
des impayés reste coupée (configuration par défaut)."""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from familles.models import Enfant, Famille, Responsable, Role
from portail.noyau.annee_scolaire import annee_scolaire
from portail.noyau.pdf import rendre_pdf

from .models import (
    AcceptationReglement,
    Activite,
    EtatReservation,
    Inscription,
    JourOuverture,
    ReglementInterieur,
    Reservation,
)

FOYERS = 24


def mercredi_complet(aujourdhui: date) -> date | None:
    """Le premier mercredi ouvert du mois prochain à l'ALSH (Journée)."""
    mois = aujourdhui.month % 12 + 1
    debut = date(aujourdhui.year + (aujourdhui.month == 12), mois, 1)
    return (
        JourOuverture.objects.filter(
            unite__activite__nom="ALSH MERCREDI",
            unite__nom="Journée",
            date__gte=debut,
            date__lt=debut + timedelta(days=31),
        )
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )


def _jour_complet(aujourdhui: date) -> str:
    activite = Activite.objects.filter(nom="ALSH MERCREDI").first()
    jour = mercredi_complet(aujourdhui)
    if activite is None or jour is None:
        return ""
    journee = activite.unites.get(nom="Journée")
    debut_annee = annee_scolaire(aujourdhui).debut
    for i in range(1, FOYERS + 1):
        famille, _ = Famille.objects.get_or_create(
            numero=f"90{i:02d}", defaults={"nom": f"FOYER DÉMO {i:02d}"}
        )
        enfant, _ = Enfant.objects.get_or_create(
            famille=famille,
            prenom="Camille",
            defaults={"nom": famille.nom.replace("É", "E"), "date_naissance": date(2018, 5, i)},
        )
        Inscription.objects.get_or_create(
            enfant=enfant, activite=activite, defaults={"date_debut": debut_annee}
        )
        Reservation.objects.get_or_create(
            enfant=enfant,
            unite=journee,
            date=jour,
            defaults={"etat": EtatReservation.RESERVEE, "famille": famille},
        )
    return f"ALSH MERCREDI complet le {jour:%d/%m/%Y} (liste d'attente)"


def _reglement(aujourdhui: date) -> str:
    annee = annee_scolaire(aujourdhui).libelle
    reglement = ReglementInterieur.objects.filter(annee_scolaire=annee).first()
    if reglement is None:
        reglement = ReglementInterieur(annee_scolaire=annee, version="1", publie_le=aujourdhui)
        contenu = rendre_pdf("reservations/pdf/reglement_demo.html", {"annee": annee})
        reglement.fichier.save("reglement.pdf", ContentFile(contenu), save=False)
        reglement.save()
    jean = (
        Responsable.objects.filter(famille__numero="1001", role=Role.RESPONSABLE)
        .select_related("famille", "compte")
        .first()
    )
    if jean is not None:
        AcceptationReglement.objects.get_or_create(
            reglement=reglement,
            famille=jean.famille,
            defaults={"compte": jean.compte, "adulte": "Jean DUPONT"},
        )
    return f"règlement intérieur {annee} publié (accepté par DUPONT, pas par MARTIN)"


def charger() -> str:
    aujourdhui = timezone.localdate()
    return " ; ".join(p for p in (_jour_complet(aujourdhui), _reglement(aujourdhui)) if p)
