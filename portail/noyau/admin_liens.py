"""Les liens d'une page de l'admin vers la page d'un autre objet."""

from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html


def lien_admin(obj: Model | None, texte: str = "") -> str:
    """Un lien vers la page d'admin de l'objet (par défaut avec son nom), le nom seul si
    l'objet n'a pas de page dans l'admin, « — » sans objet."""
    if obj is None:
        return "—"
    texte = texte or str(obj)
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return texte
    return format_html('<a href="{}">{}</a>', url, texte)
