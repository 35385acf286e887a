from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = "Réservations"

    def ready(self) -> None:
        from portail.noyau.registre import (
            RUBRIQUE_ENFANTS,
            Branchement,
            EntreeMenu,
            Interrupteur,
            TypeDemande,
            brancher,
        )

        from . import conservation, demo, services
        from .services import absences

        brancher(
            Branchement(
                application=self.label,
                types_demande=(
                    TypeDemande(
                        code=services.TYPE_DEMANDE,
                        libelle="Réservations",
                        appliquer=services.reservation_appliquer,
                        refuser=services.reservation_refuser,
                        annuler=services.reservation_annuler,
                        decrire=services.reservation_decrire,
                        ligne_par_ligne=True,
                        rubrique=RUBRIQUE_ENFANTS,
                    ),
                    TypeDemande(
                        code=absences.TYPE_ABSENCE,
                        libelle="Déclaration d'absence",
                        appliquer=absences.absence_appliquer,
                        refuser=absences.absence_refuser,
                        annuler=absences.absence_annuler,
                        decrire=absences.absence_decrire,
                        filtre="Absences",
                        rubrique=RUBRIQUE_ENFANTS,
                        aide_decision=(
                            "Accepter = absent excusé, non facturé ; refuser = absent facturé."
                        ),
                        documents=absences.certificats_absences,
                    ),
                ),
                menu=(
                    EntreeMenu(20, "Réservations", "reservations:index", "reservations_actives"),
                    EntreeMenu(25, "Planning", "reservations:planning", "reservations_actives"),
                ),
                conservation=conservation.regles,
                demo=demo.charger,
                interrupteurs=(Interrupteur("reservations_actives", "Réservations en ligne"),),
            )
        )
