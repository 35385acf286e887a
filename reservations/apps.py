from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = "Réservations"

    def ready(self) -> None:
        from demandes.registre import enregistrer_type
        from portail.noyau.registre import EntreeMenu, ajouter_menu

        from .services import TYPE_DEMANDE_ABSENCE, enregistrer_type_demande

        enregistrer_type_demande()
        enregistrer_type(TYPE_DEMANDE_ABSENCE)
        ajouter_menu(EntreeMenu(20, "Réservations", "reservations:index", "reservations_actives"))
        ajouter_menu(EntreeMenu(25, "Planning", "reservations:planning", "reservations_actives"))
