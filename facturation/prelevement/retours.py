"""Lecture des fichiers retour de la banque : pain.002 (rapport de statut) et camt.054.

Seules les opérations rejetées nous intéressent : on en tire l'identifiant de bout en bout
(le numéro de facture) et le code de rejet (AM04, AC04…). Lecture par lxml, sans réseau ni
entités externes, quel que soit l'espace de noms de la version du message.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from lxml import etree

TAILLE_MAX = 10 * 1024 * 1024


@dataclass(frozen=True)
class Rejet:
    reference: str
    code: str


def _enfants(noeud: etree._Element, chemin: str) -> list[etree._Element]:
    # Les éléments par leur nom local : pain.002.001.03, .10, camt.054.001.02, .08…
    etapes = "/".join(f"*[local-name()='{nom}']" for nom in chemin.split("/"))
    return noeud.xpath(etapes)  # type: ignore[return-value]


def _texte(noeud: etree._Element, chemin: str) -> str:
    trouves = _enfants(noeud, chemin)
    return (trouves[0].text or "").strip() if trouves else ""


def lire_retour(contenu: bytes) -> tuple[str, list[Rejet]]:
    """(type du message, rejets) ; ValidationError en français si le fichier est illisible."""
    if len(contenu) > TAILLE_MAX:
        raise ValidationError("Le fichier retour dépasse 10 Mo.")
    analyseur = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        racine = etree.fromstring(contenu, parser=analyseur)
    except etree.XMLSyntaxError as exc:
        raise ValidationError("Ce fichier n'est pas un fichier XML lisible.") from exc
    messages = [enfant for enfant in racine if isinstance(enfant.tag, str)]
    nom = etree.QName(messages[0]).localname if messages else ""
    if nom == "CstmrPmtStsRpt":
        return "pain.002", _lire_pain002(messages[0])
    if nom == "BkToCstmrDbtCdtNtfctn":
        return "camt.054", _lire_camt054(messages[0])
    raise ValidationError("Ce fichier n'est ni un rapport pain.002 ni une notification camt.054.")


def _lire_pain002(message: etree._Element) -> list[Rejet]:
    rejets = []
    for tx in _enfants(message, "OrgnlPmtInfAndSts/TxInfAndSts"):
        if _texte(tx, "TxSts") != "RJCT":
            continue
        rejets.append(
            Rejet(reference=_texte(tx, "OrgnlEndToEndId"), code=_texte(tx, "StsRsnInf/Rsn/Cd"))
        )
    return rejets


def _lire_camt054(message: etree._Element) -> list[Rejet]:
    rejets = []
    for tx in _enfants(message, "Ntfctn/Ntry/NtryDtls/TxDtls"):
        code = _texte(tx, "RtrInf/Rsn/Cd")
        if not code:
            continue
        rejets.append(Rejet(reference=_texte(tx, "Refs/EndToEndId"), code=code))
    return rejets
