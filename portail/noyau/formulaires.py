"""La seule façon dont une vue passe un formulaire valide à son service."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def appeler_service(form: forms.Form, service: Callable[..., T], **arguments: Any) -> T | None:
    """Appelle le service ; s'il refuse (ValidationError), son message s'affiche en tête du
    formulaire et la vue réaffiche la page : None. Le service ne renvoie jamais None."""
    try:
        return service(**arguments)
    except ValidationError as erreur:
        form.add_error(None, erreur)
        return None
