from django.http import HttpRequest

from .noyau.configuration import configuration_courante
from .noyau.interrupteurs import fonctionnalites, menu


def portail(request: HttpRequest) -> dict:
    # « fonctionnalites.pieces_actives » dans un gabarit : la même fonction que les vues.
    return {
        "config": configuration_courante(),
        "menu": menu(),
        "fonctionnalites": fonctionnalites(),
    }
