"""Les modèles de l'application ``portail`` sont ceux du socle (portail/noyau/models.py)."""

from portail.noyau.models import Actualite, Configuration, User, ZoneScolaire

__all__ = ["Actualite", "Configuration", "User", "ZoneScolaire"]
