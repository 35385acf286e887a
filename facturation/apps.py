from django.apps import AppConfig


class FacturationConfig(AppConfig):
    name = "facturation"
    verbose_name = "Facturation"

    def ready(self) -> None:
        from familles.signaux import coordonnees_bancaires_modifiees
        from portail.noyau.registre import (
            BlocAccueil,
            Branchement,
            EntreeMenu,
            Interrupteur,
            TypeDemande,
            brancher,
        )

        from . import demo, views
        from .prelevement import demandes as prelevement_demandes
        from .prelevement.services import recevoir_coordonnees_bancaires
        from .services import demandes
        from .services.suspension import regle_impayes

        # familles ne connaît pas la facturation : l'acceptation de coordonnées bancaires
        # (avec ou sans prélèvement) est annoncée par un signal, les mandats suivent ici.
        coordonnees_bancaires_modifiees.connect(
            recevoir_coordonnees_bancaires, dispatch_uid="facturation_mandats"
        )

        brancher(
            Branchement(
                application=self.label,
                types_demande=(
                    TypeDemande(
                        code=demandes.DUPLICATA,
                        libelle="Duplicata de facture",
                        appliquer=demandes.duplicata_appliquer,
                        apres_traitement=demandes.document_envoyer,
                    ),
                    TypeDemande(
                        code=demandes.RECU,
                        libelle="Reçu de règlement",
                        appliquer=demandes.recu_appliquer,
                        apres_traitement=demandes.document_envoyer,
                    ),
                    TypeDemande(
                        code=prelevement_demandes.ARRET,
                        libelle="Arrêt du prélèvement",
                        appliquer=prelevement_demandes.arret_appliquer,
                    ),
                ),
                menu=(
                    EntreeMenu(30, "Factures", "facturation:factures", views.FACTURES),
                    EntreeMenu(40, "Règlements", "facturation:reglements", views.FACTURES),
                    EntreeMenu(45, "Relevé de compte", "facturation:releve", views.FACTURES),
                ),
                accueil=(
                    BlocAccueil(
                        30, "facturation/accueil_bloc.html", views.contexte_accueil, views.FACTURES
                    ),
                ),
                regles_reservation=(regle_impayes,),
                # Factures et règlements ne sont jamais purgés : aucune règle de conservation.
                demo=demo.charger,
                interrupteurs=(
                    Interrupteur(views.FACTURES, "Factures"),
                    Interrupteur(views.PAIEMENT_EN_LIGNE, "Paiement en ligne (PayFiP)"),
                ),
            )
        )
