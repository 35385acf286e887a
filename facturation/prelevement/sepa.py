"""Construction du fichier pain.008.001.02 avec sepaxml (validation XSD activée)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import sepaxml
from django.core.exceptions import ValidationError
from sepaxml import SepaDD
from sepaxml.validation import ValidationError as ErreurSchema

SCHEMA = "pain.008.001.02"
# Le schéma embarqué par sepaxml (les tests relisent le fichier contre lui).
CHEMIN_XSD = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"


@dataclass(frozen=True)
class Creancier:
    nom: str
    iban: str
    bic: str
    ics: str


@dataclass(frozen=True)
class Debit:
    reference: str  # le numéro de la facture : identifiant de bout en bout
    titulaire: str
    iban: str
    bic: str
    montant: Decimal
    sequence: str  # FRST ou RCUR
    rum: str
    date_signature: date
    libelle: str


def fichier_pain008(
    *, creancier: Creancier, date_prelevement: date, debits: list[Debit]
) -> tuple[str, bytes]:
    """(identifiant du message, contenu XML) ; ValidationError si le schéma refuse le fichier."""
    if not debits:
        raise ValidationError("Aucune facture à prélever : pas de fichier.")
    sepa = SepaDD(
        {
            "name": creancier.nom[:70],
            "IBAN": creancier.iban,
            "BIC": creancier.bic,
            "batch": True,
            "creditor_id": creancier.ics,
            "currency": "EUR",
        },
        schema=SCHEMA,
        clean=True,
    )
    for debit in debits:
        sepa.add_payment(
            {
                "name": debit.titulaire,
                "IBAN": debit.iban,
                "BIC": debit.bic,
                "amount": int(debit.montant * 100),
                "type": debit.sequence,
                "collection_date": date_prelevement,
                "mandate_id": debit.rum,
                "mandate_date": debit.date_signature,
                "description": debit.libelle,
                "endtoend_id": debit.reference,
            }
        )
    try:
        contenu = sepa.export(validate=True)
    except ErreurSchema as exc:
        raise ValidationError(
            "Le fichier de prélèvement ne respecte pas le schéma pain.008.001.02 "
            "(vérifiez l'ICS, l'IBAN et le BIC de la régie)."
        ) from exc
    return sepa.msg_id, contenu
