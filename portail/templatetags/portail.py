from decimal import Decimal

from django import template

from portail.noyau.formats import format_montant

register = template.Library()


@register.filter
def euros(valeur: Decimal | int | None) -> str:
    return format_montant(valeur)
