from django.http import HttpRequest

from .noyau.configuration import configuration_courante
from .noyau.registre import MENU


def portail(request: HttpRequest) -> dict:
    config = configuration_courante()
    menu = [e for e in MENU if not e.interrupteur or getattr(config, e.interrupteur, False)]
    return {"config": config, "menu": menu}
