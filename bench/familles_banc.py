"""Familles du banc des pages : N familles avec compte, faites sur le modèle de DUPONT (démo).

    manage.py shell -c "from bench.familles_banc import creer; creer(100)"

À lancer sur la base du banc, après ``manage.py demo`` : chaque famille a son compte
(première connexion faite, même mot de passe que DUPONT), un responsable, 1 à 3 enfants
inscrits aux activités de la démo, les réservations du mois en cours, des factures (une
impayée), des règlements, des demandes traitées et en attente, et des messages de la mairie
(un non lu). Écritures en masse : c'est un jeu d'essai, pas un parcours d'agent.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

MOT_DE_PASSE = "Demo-Parent-2026"
PRENOMS = ("Lise", "Hugo", "Emma", "Noah")


def identifiant(index: int) -> str:
    return f"banc{index:04d}@example.fr"


@transaction.atomic
def creer(
    nombre: int,
    *,
    enfants: int = 0,
    factures: int = 6,
    demandes: int = 8,
    messages: int = 6,
    pieces: int = 0,
    debut: int = 0,
) -> list:
    """``nombre`` familles (numéros B``debut``…) ; ``enfants`` : par famille (0 : 1 à 3
    selon la famille). Renvoie les familles."""
    from demandes.models import Demande, Direction, Message, StatutDemande
    from facturation.models import Facture, LigneFacture, Regie, Reglement
    from familles.models import Enfant, Famille, Qualite, Responsable, Role
    from pieces.models import Piece, StatutPiece, TypePiece
    from portail.noyau.configuration import configuration_courante
    from portail.noyau.models import User
    from reservations.models import (
        Activite,
        EtatReservation,
        Inscription,
        JourOuverture,
        Reservation,
    )

    aujourdhui = timezone.localdate()
    maintenant = timezone.now()
    debut_mois = aujourdhui.replace(day=1)
    debut_annee = date(aujourdhui.year - (aujourdhui.month < 9), 9, 1)
    version = configuration_courante().cgu_version
    hachage = make_password(MOT_DE_PASSE)  # un seul hachage : 100 comptes en une seconde
    comptes = User.objects.bulk_create(
        User(
            username=f"B{i:05d}",
            email=identifiant(i),
            first_name="Parent",
            last_name=f"BANC{i:04d}",
            password=hachage,
            cgu_version=version,
            cgu_acceptees_le=maintenant,
        )
        for i in range(debut, debut + nombre)
    )
    familles = Famille.objects.bulk_create(
        Famille(
            numero=f"B{i:05d}",
            nom=f"BANC{i:04d}",
            adresse="12 rue du stade",
            code_postal="59112",
            ville="CARNIN",
            email=compte.email,
        )
        for i, compte in enumerate(comptes, start=debut)
    )
    responsables = Responsable.objects.bulk_create(
        Responsable(
            famille=famille,
            role=Role.RESPONSABLE,
            nom=famille.nom,
            prenom="Parent",
            civilite="M",
            qualite=Qualite.PERE,
            date_naissance=date(1980, 2, 1),
            email=famille.email,
            compte=compte,
        )
        for famille, compte in zip(familles, comptes, strict=True)
    )
    les_enfants = Enfant.objects.bulk_create(
        Enfant(
            famille=famille,
            nom=famille.nom,
            prenom=prenom,
            sexe="F",
            date_naissance=date(aujourdhui.year - 6 - rang, 5, 1),
            adresse_de=responsable,
        )
        for i, (famille, responsable) in enumerate(zip(familles, responsables, strict=True))
        for rang in range(enfants or 1 + i % 3)
        for prenom in [PRENOMS[rang % len(PRENOMS)] + ("" if rang < len(PRENOMS) else "-Marie")]
    )
    activites = list(Activite.objects.prefetch_related("unites"))
    Inscription.objects.bulk_create(
        Inscription(enfant=enfant, activite=activite, date_debut=debut_annee)
        for enfant in les_enfants
        for activite in activites
    )
    # Le mois en cours : chaque jour d'ouverture de la première unité de chaque activité.
    premieres = [a.unites.all()[0] for a in activites if a.unites.all()]
    ouverts = list(
        JourOuverture.objects.filter(
            unite__in=premieres, date__range=(debut_mois, debut_mois + timedelta(days=31))
        ).values_list("unite_id", "date")
    )
    Reservation.objects.bulk_create(
        Reservation(
            enfant=enfant,
            famille_id=enfant.famille_id,
            unite_id=unite_id,
            date=jour,
            etat=EtatReservation.PRESENT if jour < aujourdhui else EtatReservation.RESERVEE,
        )
        for enfant in les_enfants
        for unite_id, jour in ouverts
    )
    regie = Regie.objects.get(prefixe="CA")
    numero = Facture.objects.filter(regie=regie).order_by("-numero_ordre").first()
    ordre = (numero.numero_ordre if numero else 0) + 1
    a_creer = []
    for famille in familles:
        for mois in range(1, factures + 1):
            fin = (debut_mois - timedelta(days=1)).replace(day=28) - timedelta(days=31 * (mois - 1))
            a_creer.append(
                Facture(
                    regie=regie,
                    famille=famille,
                    numero_ordre=ordre,
                    numero=f"CA{ordre:06d}",
                    periode_debut=fin.replace(day=1),
                    periode_fin=fin,
                    date=fin,
                    echeance=fin + timedelta(days=30),
                    total=Decimal("17.00"),
                )
            )
            ordre += 1
    creees = Facture.objects.bulk_create(a_creer)
    enfant_par_famille = {e.famille_id: e for e in les_enfants}
    LigneFacture.objects.bulk_create(
        LigneFacture(
            facture=facture,
            enfant=enfant_par_famille[facture.famille_id],
            date=facture.periode_debut + timedelta(days=jour),
            libelle="CANTINE — Repas",
            quantite=Decimal("1.00"),
            prix_unitaire=Decimal("3.40"),
            montant=Decimal("3.40"),
        )
        for facture in creees
        for jour in range(5)
    )
    Regie.objects.filter(pk=regie.pk).update(prochain_numero_facture=ordre)
    numero_reglement = regie.prochain_numero_reglement
    reglements = []
    for famille in familles:
        for rang in range(factures - 1):  # toutes payées sauf la plus récente
            reglements.append(
                Reglement(
                    regie=regie,
                    famille=famille,
                    numero=numero_reglement,
                    date=debut_mois - timedelta(days=20 + 31 * rang),
                    mode="cheque",
                    montant=Decimal("17.00"),
                    encaisse_le=debut_mois - timedelta(days=15 + 31 * rang),
                )
            )
            numero_reglement += 1
    Reglement.objects.bulk_create(reglements)
    Regie.objects.filter(pk=regie.pk).update(prochain_numero_reglement=numero_reglement)
    Demande.objects.bulk_create(
        Demande(
            famille=famille,
            type="responsable",
            personne="Parent",
            resume=f"Modification de 1 renseignement ({rang})",
            statut=StatutDemande.EN_ATTENTE if rang == 0 else StatutDemande.ACCEPTEE,
            cree_par=compte,  # le compte du responsable
            traite_le=None if rang == 0 else maintenant,
        )
        for famille, compte in zip(familles, comptes, strict=True)
        for rang in range(demandes)
    )
    Message.objects.bulk_create(
        Message(
            famille=famille,
            direction=Direction.MAIRIE_VERS_FAMILLE,
            sujet=f"Information de la mairie n° {rang}",
            texte="Le portail famille vous informe.",
            cree_le=maintenant - timedelta(days=rang),
            lu_le=None if rang == 0 else maintenant,
        )
        for famille in familles
        for rang in range(messages)
    )
    types = list(TypePiece.objects.filter(actif=True))
    Piece.objects.bulk_create(
        Piece(
            famille=famille,
            enfant=enfant_par_famille[famille.pk],
            type=types[rang % len(types)],
            fichier=f"pieces/banc-{famille.pk}-{rang}.pdf",
            nom_fichier=f"piece-{rang}.pdf",
            statut=StatutPiece.VALIDEE if rang else StatutPiece.EN_ATTENTE,
        )
        for famille in familles
        for rang in range(pieces if types else 0)
    )
    return familles
