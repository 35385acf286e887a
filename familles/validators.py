"""Règles de saisie du dossier famille, avec un message en français pour chaque champ.

Les validateurs sont posés sur les champs des modèles : le portail des parents et
l'administration les appliquent de la même façon. Les fonctions ``normaliser_*`` donnent la
forme enregistrée (téléphone « 06 12 34 56 78 », IBAN compact en majuscules).
"""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

_SEPARATEURS_TELEPHONE = re.compile(r"[\s.\-/()]")
_TELEPHONE = re.compile(r"^(?:\+33|0033|0)([1-9]\d{8})$")
_NOM = re.compile(r"^[^\W\d_]+(?:[ '’\-.]+[^\W\d_]+)*\.?$")
_BALISE = re.compile(r"[<>{}\\]")
_CODE_POSTAL = re.compile(r"^\d{5}$")
_NUMERO_FISCAL = re.compile(r"^[0-3]\d{12}$")


def normaliser_telephone(valeur: str) -> str:
    """« +33 6.12.34.56.78 » → « 06 12 34 56 78 » ; une valeur invalide est rendue telle quelle."""
    compact = _SEPARATEURS_TELEPHONE.sub("", valeur or "")
    trouve = _TELEPHONE.match(compact)
    if not trouve:
        return (valeur or "").strip()
    chiffres = "0" + trouve.group(1)
    return " ".join(chiffres[i : i + 2] for i in range(0, 10, 2))


def valider_telephone(valeur: str) -> None:
    if not valeur:
        return
    if not _TELEPHONE.match(_SEPARATEURS_TELEPHONE.sub("", valeur)):
        raise ValidationError(
            "Saisissez un numéro de téléphone français à 10 chiffres, par exemple 06 12 34 56 78.",
            code="telephone",
        )


def valider_code_postal(valeur: str) -> None:
    if valeur and not _CODE_POSTAL.match(valeur):
        raise ValidationError(
            "Le code postal compte 5 chiffres, par exemple 59112.", code="code_postal"
        )


def valider_nom(valeur: str) -> None:
    """Un nom ou un prénom : des lettres, espaces, traits d'union, apostrophes et points."""
    if valeur and not _NOM.match(valeur.strip()):
        raise ValidationError(
            "Utilisez uniquement des lettres, des espaces, des traits d'union ou des apostrophes.",
            code="nom",
        )


def valider_sans_balise(valeur: str) -> None:
    if valeur and _BALISE.search(valeur):
        raise ValidationError("Les caractères < > { } et \\ ne sont pas acceptés.", code="balise")


def valider_date_passee(valeur: date | None) -> None:
    if valeur is None:
        return
    if valeur >= timezone.localdate():
        raise ValidationError("La date de naissance doit être dans le passé.", code="futur")
    if valeur.year < 1900:
        raise ValidationError("Vérifiez l'année de naissance.", code="trop_ancien")


def normaliser_iban(valeur: str) -> str:
    return re.sub(r"\s", "", valeur or "").upper()


def valider_iban(valeur: str) -> None:
    if not valeur:
        return
    try:
        IBAN(normaliser_iban(valeur))
    except SchwiftyException as exc:
        raise ValidationError(
            "Cet IBAN n'est pas valide : vérifiez-le sur votre relevé d'identité bancaire.",
            code="iban",
        ) from exc


def valider_bic(valeur: str) -> None:
    if not valeur:
        return
    try:
        BIC(normaliser_iban(valeur))
    except SchwiftyException as exc:
        raise ValidationError(
            "Ce BIC n'est pas valide : 8 ou 11 caractères, par exemple AGRIFRPP.", code="bic"
        ) from exc


def valider_numero_fiscal(valeur: str) -> None:
    if valeur and not _NUMERO_FISCAL.match(valeur.replace(" ", "")):
        raise ValidationError(
            "Le numéro fiscal compte 13 chiffres et commence par 0, 1, 2 ou 3.",
            code="numero_fiscal",
        )


def masquer_iban(valeur: str) -> str:
    """« FR7630006000011234567890189 » → « FR76 •••• •••• •••• •••• •••0 189 » : seuls le pays
    et les 4 derniers caractères restent lisibles."""
    compact = normaliser_iban(valeur)
    if len(compact) < 9:
        return "•" * len(compact)
    masque = compact[:4] + "•" * (len(compact) - 8) + compact[-4:]
    return " ".join(masque[i : i + 4] for i in range(0, len(masque), 4))


def nom_banque(bic: str) -> str:
    """Le nom de la banque d'un BIC, quand le registre de schwifty la connaît ; sinon ""."""
    try:
        noms = BIC(normaliser_iban(bic)).bank_names if bic else []
    except SchwiftyException:
        return ""
    return noms[0] if noms else ""


def masquer_bic(valeur: str) -> str:
    compact = normaliser_iban(valeur)
    return compact[:4] + "•" * max(len(compact) - 4, 0)


def valider_date_non_future(valeur: date | None) -> None:
    if valeur is not None and valeur > timezone.localdate():
        raise ValidationError("Cette date ne peut pas être dans le futur.", code="futur")
    if valeur is not None and valeur.year < 1900:
        raise ValidationError("Vérifiez l'année de cette date.", code="trop_ancien")


def valider_montant_positif(valeur: Decimal | None) -> None:
    if valeur is not None and valeur < 0:
        raise ValidationError("Ce montant ne peut pas être négatif.", code="negatif")


def valider_nombre_parts(valeur: Decimal | None) -> None:
    if valeur is not None and not (Decimal("1") <= valeur <= Decimal("20")):
        raise ValidationError(
            "Le nombre de parts fiscales est compris entre 1 et 20.", code="parts"
        )
