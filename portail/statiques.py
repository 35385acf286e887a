"""Les fichiers statiques en production : noms hachés (cache navigateur sans fin), compressés
(whitenoise), et l'adresse de chaque fichier calculée une fois par processus."""

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class FichiersStatiques(CompressedManifestStaticFilesStorage):
    """Le manifeste est lu au démarrage et ne change plus jusqu'au prochain : l'adresse
    hachée d'un nom est donc la même pour tout le processus. ``{% static %}`` la demande
    quatre fois par page (≈ 40 appels de fonctions chacune) ; elle est gardée ici."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._adresses: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        adresse = self._adresses.get(name)
        if adresse is None:
            adresse = self._adresses[name] = super().url(name)
        return adresse
