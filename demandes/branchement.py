"""L'historique et la boîte de réception au menu et à l'accueil, les audiences « toutes » et
« famille », la purge des demandes : ce que ``demandes`` déclare au registre du socle."""

from portail.noyau import registre

# admin_messages enregistre l'admin de la boîte de réception à l'import (admin.py ne l'importe pas).
from . import admin_messages, conservation, selectors, views, views_messages  # noqa: F401

registre.brancher(
    registre.Branchement(
        application="demandes",
        menu=(
            registre.EntreeMenu(60, "Historique", "demandes:historique"),
            registre.EntreeMenu(70, "Boîte de réception", "demandes:messages", "messages_actifs"),
        ),
        accueil=(
            registre.BlocAccueil(
                5,
                "demandes/messages/accueil_bloc.html",
                views_messages.bloc_accueil,
                "messages_actifs",
            ),
            registre.BlocAccueil(60, "demandes/accueil_bloc.html", views.bloc_accueil),
        ),
        audiences=(
            registre.Audience("toutes", "Toutes les familles", selectors.familles_toutes),
            registre.Audience("famille", "Une famille (son numéro)", selectors.familles_par_numero),
        ),
        conservation=conservation.regles,
        interrupteurs=(registre.Interrupteur("messages_actifs", "Boîte de réception"),),
    )
)
