"""La configuration de la commune, gardée en mémoire de chaque processus jusqu'à son
prochain enregistrement (les interrupteurs : ``portail.noyau.interrupteurs``)."""

from .memoire import en_memoire, oublier_donnees_communes, suivre
from .models import Configuration

MODELES = suivre(Configuration)


def configuration_courante() -> Configuration:
    """La configuration de la commune : lue en base une fois par processus, relue après
    chaque enregistrement (``portail.noyau.memoire``)."""
    return en_memoire("configuration", _lire_configuration, modeles=MODELES)


def _lire_configuration() -> Configuration:
    config, _ = Configuration.objects.get_or_create(pk=1)
    return config


def vider_cache_configuration() -> None:
    """Après une écriture sans signal (``update()``) : chaque processus relira la
    configuration."""
    oublier_donnees_communes()
