from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = "Réservations"

    def ready(self) -> None:
        from portail.registre import EntreeMenu, ajouter_menu

        from .services import enregistrer_type_demande

        enregistrer_type_demande()
        ajouter_menu(EntreeMenu(20, "Réservations", "reservations:index", "reservations_actives"))
