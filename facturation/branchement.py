"""Duplicatas, reçus et arrêt du prélèvement, les pages des factures, la règle des impayés
et les interrupteurs : ce que ``facturation`` déclare au registre du socle, et les mandats
qui suivent les coordonnées bancaires de ``familles``."""

from familles.signaux import coordonnees_bancaires_modifiees
from portail.noyau import registre

from . import demo, views
from .prelevement import demandes as prelevement_demandes
from .prelevement.services import recevoir_coordonnees_bancaires
from .services import demandes
from .services.suspension import regle_impayes

# familles ne connaît pas la facturation : l'acceptation de coordonnées bancaires (avec ou
# sans prélèvement) est annoncée par un signal, les mandats suivent ici.
coordonnees_bancaires_modifiees.connect(
    recevoir_coordonnees_bancaires, dispatch_uid="facturation_mandats"
)

registre.brancher(
    registre.Branchement(
        application="facturation",
        types_demande=(
            registre.TypeDemande(
                code=demandes.DUPLICATA,
                libelle="Duplicata de facture",
                appliquer=demandes.duplicata_appliquer,
                apres_traitement=demandes.document_envoyer,
            ),
            registre.TypeDemande(
                code=demandes.RECU,
                libelle="Reçu de règlement",
                appliquer=demandes.recu_appliquer,
                apres_traitement=demandes.document_envoyer,
            ),
            registre.TypeDemande(
                code=prelevement_demandes.ARRET,
                libelle="Arrêt du prélèvement",
                appliquer=prelevement_demandes.arret_appliquer,
            ),
        ),
        menu=(
            registre.EntreeMenu(30, "Factures", "facturation:factures", views.FACTURES),
            registre.EntreeMenu(40, "Règlements", "facturation:reglements", views.FACTURES),
            registre.EntreeMenu(45, "Relevé de compte", "facturation:releve", views.FACTURES),
        ),
        accueil=(
            registre.BlocAccueil(
                30, "facturation/accueil_bloc.html", views.contexte_accueil, views.FACTURES
            ),
        ),
        regles_reservation=(regle_impayes,),
        # Factures et règlements ne sont jamais purgés : aucune règle de conservation.
        demo=demo.charger,
        interrupteurs=(
            registre.Interrupteur(views.FACTURES, "Factures"),
            registre.Interrupteur(views.PAIEMENT_EN_LIGNE, "Paiement en ligne (PayFiP)"),
        ),
    )
)
