from django.http import HttpRequest

from .noyau.configuration import configuration_courante
from .noyau.interrupteurs import menu


def portail(request: HttpRequest) -> dict:
    return {"config": configuration_courante(), "menu": menu()}
