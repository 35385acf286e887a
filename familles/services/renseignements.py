"""Les demandes de modification du dossier famille, et leur application une fois acceptées.

Un parent ne modifie jamais directement son dossier : chaque formulaire envoyé devient une
demande (``demandes.services.demande_creer``) avec une ligne par champ changé. Chaque ligne
garde dans ``donnees`` l'objet visé et la valeur brute ; ``renseignement_appliquer`` l'écrit quand
un agent accepte la demande.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import capfirst

from demandes.models import Demande, LigneDemande
from demandes.selectors import demandes_en_attente
from demandes.services import Ligne, demande_creer
from portail.noyau.formats import format_montant

from ..models import Enfant, Famille, PersonneAutorisee, Responsable, Role
from ..signaux import coordonnees_bancaires_modifiees
from ..validators import masquer_bic, masquer_iban
from .identifiants import comptes_preparer


class TypeRenseignement(models.TextChoices):
    """Les types de demande du dossier famille (filtres de l'historique)."""

    RESPONSABLE = "responsable", "Responsable"
    CONJOINT = "conjoint", "Conjoint"
    FISCALES = "fiscales", "Fiscales"
    CAF = "caf", "CAF"
    BANCAIRES = "bancaires", "Bancaires"
    ENFANTS = "enfants", "Enfants"
    AUTORISATIONS = "autorisations", "Autorisations"
    SANITAIRE = "sanitaire", "Données sanitaires"


# Les seuls champs qu'une demande peut écrire, par modèle (le reste est l'affaire des agents).
CHAMPS_IDENTITE = ["civilite", "nom", "prenom", "date_naissance", "cp_naissance", "ville_naissance"]
CHAMPS_ADRESSE = ["adresse", "code_postal", "ville"]
CHAMPS_SITUATION = ["qualite", "situation_familiale"]
CHAMPS_CONTACT = [
    "telephone_domicile",
    "telephone_travail",
    "telephone_mobile",
    "email",
    "profession",
    "csp",
    "employeur",
    "employeur_adresse",
    "accepte_email",
    "accepte_sms",
]
CHAMPS_FISCALES = ["numero_fiscal", "revenu_fiscal", "nombre_parts"]
CHAMPS_CAF = ["regime", "numero_allocataire", "quotient_familial", "quotient_familial_date"]
CHAMPS_BANCAIRES = ["titulaire_compte", "iban", "bic", "prelevement"]
CHAMPS_ENFANT = [
    "nom",
    "prenom",
    "sexe",
    "date_naissance",
    "cp_naissance",
    "ville_naissance",
    "adresse_de",
    "ecole",
    "classe",
    "lunettes",
]
CHAMPS_SANITAIRES = [
    "allergies",
    "regime_alimentaire",
    "pai",
    "pai_details",
    "medecin_nom",
    "medecin_telephone",
    "vaccinations_a_jour",
    "vaccinations_details",
]
CHAMPS_PERSONNE_AUTORISEE = ["prenom", "nom", "telephone", "lien"]

CHAMPS_MODIFIABLES: dict[type[models.Model], set[str]] = {
    Famille: {*CHAMPS_ADRESSE, *CHAMPS_FISCALES, *CHAMPS_CAF, *CHAMPS_BANCAIRES},
    Responsable: {
        *CHAMPS_IDENTITE,
        *CHAMPS_SITUATION,
        *CHAMPS_CONTACT,
        "adresse_propre",
        *CHAMPS_ADRESSE,
    },
    Enfant: {*CHAMPS_ENFANT, *CHAMPS_SANITAIRES},
    PersonneAutorisee: set(CHAMPS_PERSONNE_AUTORISEE),
}
MODELES: dict[str, type[models.Model]] = {m._meta.label_lower: m for m in CHAMPS_MODIFIABLES}


@dataclass(frozen=True)
class Changement:
    """Une valeur saisie par le parent pour un champ d'un objet de son dossier."""

    objet: models.Model
    champ: str
    valeur: Any
    precision: str = ""  # ajoutée au libellé : « Téléphone (Marie DURAND) »


# --- Affichage des valeurs ------------------------------------------------------------


def libelle_champ(modele: type[models.Model], champ: str) -> str:
    if modele is Enfant and champ == "adresse_de":
        return "Adresse"
    return capfirst(str(modele._meta.get_field(champ).verbose_name))


def valeur_affichee(modele: type[models.Model], champ: str, valeur: Any) -> str:
    """La valeur telle qu'un parent ou un agent la lit : « Oui », « 01/05/2015 », « Père »…"""
    field = modele._meta.get_field(champ)
    if isinstance(field, models.BooleanField):
        return "Oui" if valeur else "Non"
    if valeur is None or valeur == "":
        return ""
    if champ == "iban":
        return masquer_iban(str(valeur))
    if champ == "bic":
        return masquer_bic(str(valeur))
    if field.choices:
        return str(dict(field.flatchoices).get(valeur, valeur))
    if isinstance(field, models.ForeignKey):
        pk = valeur.pk if isinstance(valeur, models.Model) else valeur
        responsable = Responsable.objects.filter(pk=pk).only("prenom").first()
        return f"L'adresse de {responsable.prenom}" if responsable else ""
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    if champ == "revenu_fiscal":
        return format_montant(Decimal(valeur))
    if isinstance(valeur, Decimal):
        return f"{valeur.normalize():f}".replace(".", ",")
    return str(valeur)


def _brute(field: Any, valeur: Any) -> Any:
    """La valeur à comparer et à ranger en JSON : une clé pour une relation, '' pour rien."""
    if isinstance(valeur, models.Model):
        valeur = valeur.pk
    if valeur is None and not isinstance(field, models.ForeignKey) and not field.null:
        return ""
    return valeur


def _json(valeur: Any) -> Any:
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, Decimal):
        return str(valeur)
    return valeur


def _personne_autorisee_affichee(valeurs: dict) -> str:
    texte = f"{valeurs.get('prenom', '')} {valeurs.get('nom', '')}".strip()
    if valeurs.get("lien"):
        texte += f" ({valeurs['lien']})"
    if valeurs.get("telephone"):
        texte += f", {valeurs['telephone']}"
    return texte


def _pluriel(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 else ''}"


# --- Création des demandes ------------------------------------------------------------

MESSAGE_DOUBLON = "Cette demande a déjà été envoyée : elle attend la validation de la mairie."


def _empreinte(lignes: Iterable[Any]) -> list[tuple[str, str]]:
    return sorted((ligne.champ, json.dumps(ligne.donnees, sort_keys=True)) for ligne in lignes)


def _refuser_doublon(famille: Famille, type: str, cible: models.Model, lignes: list[Ligne]) -> None:
    """Un double clic ou un second envoi identique ne crée pas une seconde demande."""
    # Le verrou sur la famille sérialise les envois simultanés d'une même famille.
    Famille.objects.select_for_update().filter(pk=famille.pk).first()
    en_attente = demandes_en_attente(famille, types=[type], cible=cible).prefetch_related("lignes")
    empreinte = _empreinte(lignes)
    if any(_empreinte(demande.lignes.all()) == empreinte for demande in en_attente):
        raise ValidationError(MESSAGE_DOUBLON)


def _foyers_de(objet: models.Model) -> set[int]:
    """Les foyers qui peuvent demander un changement de cette fiche : la fiche d'un enfant
    en garde alternée est partagée par ses deux foyers, ses personnes autorisées non."""
    if isinstance(objet, Famille):
        return {objet.pk}
    if isinstance(objet, Enfant):
        return objet.foyers_ids()
    famille_id = getattr(objet, "famille_id", None)
    return {famille_id} if famille_id is not None else set()


def _verifier_champ(famille_id: int, objet: models.Model, champ: str) -> None:
    if champ not in CHAMPS_MODIFIABLES[type(objet)]:
        raise ValidationError(f"Le champ « {champ} » ne peut pas être modifié par une demande.")
    if champ == "adresse_de" and getattr(objet, "famille_id", None) != famille_id:
        # Chez le second foyer, l'enfant a l'adresse de ce foyer : seul le premier la choisit.
        raise ValidationError(
            "L'adresse de l'enfant dans votre foyer est celle de votre foyer : elle ne se "
            "change pas sur sa fiche."
        )


def _verifier_objet(famille: Famille, objet: models.Model, champ: str | None = None) -> None:
    if type(objet) not in CHAMPS_MODIFIABLES or famille.pk not in _foyers_de(objet):
        raise ValidationError("Cette fiche n'appartient pas à votre famille.")
    if champ is not None:
        _verifier_champ(famille.pk, objet, champ)


def _ligne_modification(changement: Changement) -> Ligne | None:
    objet, champ = changement.objet, changement.champ
    modele = type(objet)
    field = modele._meta.get_field(champ)
    actuelle = _brute(field, field.value_from_object(objet))
    nouvelle = _brute(field, changement.valeur)
    if isinstance(nouvelle, str):
        nouvelle = nouvelle.strip()
    if actuelle == nouvelle:
        return None
    libelle = libelle_champ(modele, champ)
    if changement.precision:
        libelle = f"{libelle} ({changement.precision})"
    return Ligne(
        libelle=libelle,
        champ=champ,
        ancienne_valeur=valeur_affichee(modele, champ, actuelle),
        nouvelle_valeur=valeur_affichee(modele, champ, nouvelle),
        donnees={
            "action": "modification",
            "modele": modele._meta.label_lower,
            "pk": objet.pk,
            "valeur": _json(nouvelle),
        },
    )


@transaction.atomic
def renseignements_demander(
    *,
    famille: Famille,
    type: str,
    cible: models.Model,
    personne: str,
    changements: Iterable[Changement],
    ajouts_personnes: Iterable[dict] = (),
    suppressions_personnes: Iterable[PersonneAutorisee] = (),
    commentaire: str = "",
    auteur: Any = None,
) -> Demande | None:
    """Crée une demande avec une ligne par champ changé ; rien n'est créé sans changement.

    ``ajouts_personnes`` (valeurs d'une nouvelle personne autorisée) et
    ``suppressions_personnes`` ne servent qu'aux autorisations, dont ``cible`` est l'enfant.
    """
    _verifier_objet(famille, cible)
    lignes: list[Ligne] = []
    for changement in changements:
        _verifier_objet(famille, changement.objet, changement.champ)
        ligne = _ligne_modification(changement)
        if ligne is not None:
            lignes.append(ligne)
    for valeurs in ajouts_personnes:
        if not isinstance(cible, Enfant):
            raise ValidationError("Une personne autorisée s'ajoute à un enfant.")
        propres = {c: str(valeurs.get(c) or "").strip() for c in CHAMPS_PERSONNE_AUTORISEE}
        lignes.append(
            Ligne(
                libelle="Ajout d'une personne autorisée",
                champ="personnes_autorisees",
                nouvelle_valeur=_personne_autorisee_affichee(propres),
                donnees={"action": "ajout_personne", "enfant": cible.pk, "valeurs": propres},
            )
        )
    for personne_autorisee in suppressions_personnes:
        _verifier_objet(famille, personne_autorisee)
        lignes.append(
            Ligne(
                libelle="Suppression d'une personne autorisée",
                champ="personnes_autorisees",
                ancienne_valeur=_personne_autorisee_affichee(
                    {c: getattr(personne_autorisee, c) for c in CHAMPS_PERSONNE_AUTORISEE}
                ),
                donnees={"action": "suppression_personne", "pk": personne_autorisee.pk},
            )
        )
    if not lignes:
        return None
    _refuser_doublon(famille, type, cible, lignes)
    return demande_creer(
        famille=famille,
        type=type,
        resume=f"Modification de {_pluriel(len(lignes), 'renseignement')} pour {personne}",
        lignes=lignes,
        commentaire=commentaire,
        # Le nom complet de l'enfant ou de l'adulte, comme les autres applications : le
        # filtre « personne concernée » de l'admin les regroupe ; le résumé garde le prénom.
        personne=str(cible) if isinstance(cible, Enfant | Responsable) else personne,
        cible=cible,
        auteur=auteur,
    )


@transaction.atomic
def ajout_demander(
    *,
    famille: Famille,
    type: str,
    valeurs: dict[str, Any],
    commentaire: str = "",
    auteur: Any = None,
) -> Demande:
    """Demande l'ajout d'un enfant (type « enfants ») ou d'un conjoint (type « conjoint »)."""
    if type == TypeRenseignement.ENFANTS:
        modele: Any = Enfant
        action, article = "ajout_enfant", "de l'enfant"
    elif type == TypeRenseignement.CONJOINT:
        if famille.responsables.filter(role=Role.CONJOINT).exists():
            raise ValidationError("Votre famille a déjà un conjoint : modifiez sa fiche.")
        modele, action, article = Responsable, "ajout_conjoint", "du conjoint"
    else:
        raise ValidationError("Ce type de demande ne permet pas d'ajout.")
    autorises = CHAMPS_MODIFIABLES[modele]
    lignes = []
    for champ, valeur in valeurs.items():
        if champ not in autorises:
            raise ValidationError(f"Le champ « {champ} » ne peut pas être renseigné ici.")
        field = modele._meta.get_field(champ)
        brute = _brute(field, valeur)
        if (
            isinstance(field, models.ForeignKey)
            and brute is not None
            and not famille.responsables.filter(pk=brute).exists()
        ):
            raise ValidationError("Cet adulte n'appartient pas à votre famille.")
        if brute in ("", None) or (
            isinstance(field, models.BooleanField) and brute == field.get_default()
        ):
            continue
        affichee = valeur_affichee(modele, champ, brute)
        lignes.append(
            Ligne(
                libelle=libelle_champ(modele, champ),
                champ=champ,
                nouvelle_valeur=affichee,
                donnees={"action": action, "valeur": _json(brute)},
            )
        )
    prenom = str(valeurs.get("prenom") or "").strip()
    if not prenom or not str(valeurs.get("nom") or "").strip():
        raise ValidationError("Indiquez au moins le nom et le prénom.")
    _refuser_doublon(famille, type, famille, lignes)
    return demande_creer(
        famille=famille,
        type=type,
        resume=f"Ajout {article} {prenom}",
        lignes=lignes,
        commentaire=commentaire,
        personne=f"{prenom} {str(valeurs.get('nom') or '').strip()}",
        cible=famille,
        donnees={"action": action},
        auteur=auteur,
    )


# --- Application d'une demande acceptée -----------------------------------------------


def _objet_verrouille(
    demande: Demande, cle: str, pk: int, cache: dict[tuple[str, int], models.Model]
) -> models.Model:
    if (cle, pk) in cache:
        return cache[(cle, pk)]
    modele = MODELES.get(cle)
    if modele is None:
        raise ValidationError("Cette demande vise une donnée inconnue.")
    objet = modele._default_manager.select_for_update().filter(pk=pk).first()
    if objet is None or demande.famille_id not in _foyers_de(objet):
        raise ValidationError(
            "La fiche visée par cette demande n'existe plus : la demande ne peut pas être "
            "appliquée."
        )
    cache[(cle, pk)] = objet
    return objet


def _valeur_validee(objet: models.Model, champ: str, brute: Any) -> Any:
    field = objet._meta.get_field(champ)
    try:
        if isinstance(field, models.ForeignKey):
            valeur = field.target_field.to_python(brute) if brute is not None else None
            adultes = Responsable.objects.filter(famille_id=getattr(objet, "famille_id", 0))
            if valeur is not None and not adultes.filter(pk=valeur).exists():
                raise ValidationError("Cet adulte n'appartient plus à la famille.")
            return valeur
        return field.clean(brute, objet)
    except ValidationError as exc:
        raise ValidationError(
            f"{libelle_champ(type(objet), champ)} : {' '.join(exc.messages)}"
        ) from exc


def _creer(modele: type[models.Model], valeurs: dict[str, Any], agent: Any, raison: str) -> Any:
    objet = modele(**valeurs)
    try:
        objet.full_clean()
    except ValidationError as exc:
        raise ValidationError(" ".join(exc.messages)) from exc
    objet._history_user = agent  # type: ignore[attr-defined]
    objet._change_reason = raison  # type: ignore[attr-defined]
    objet.save()
    return objet


def renseignement_appliquer(*, demande: Demande, lignes: list[LigneDemande]) -> str:
    """Crochet ``appliquer`` : écrit les lignes acceptées dans le dossier (dans la
    transaction du traitement), l'historique au nom de l'agent qui traite."""
    raison = f"Demande n° {demande.pk} : {demande.resume}"
    agent = demande.traite_par
    cache: dict[tuple[str, int], models.Model] = {}
    modifies: dict[tuple[str, int], list[str]] = {}
    nouveaux: dict[str, Any] = {}
    action_ajout = ""
    libelles: list[str] = []
    for ligne in lignes:
        donnees = ligne.donnees
        action = donnees.get("action")
        if action == "modification":
            objet = _objet_verrouille(demande, donnees["modele"], donnees["pk"], cache)
            _verifier_champ(demande.famille_id, objet, ligne.champ)
            field = objet._meta.get_field(ligne.champ)
            setattr(objet, field.attname, _valeur_validee(objet, ligne.champ, donnees["valeur"]))
            modifies.setdefault((donnees["modele"], objet.pk), []).append(field.attname)
            libelles.append(ligne.libelle)
        elif action in ("ajout_enfant", "ajout_conjoint"):
            action_ajout = action
            nouveaux[ligne.champ] = donnees["valeur"]
        elif action == "ajout_personne":
            enfant = _objet_verrouille(demande, "familles.enfant", donnees["enfant"], cache)
            # La personne autorisée appartient au foyer qui l'a demandée (garde alternée).
            propres = {"enfant": enfant, "famille_id": demande.famille_id, **donnees["valeurs"]}
            _creer(PersonneAutorisee, propres, agent, raison)
            valeurs = donnees["valeurs"]
            libelles.append(f"ajout de {valeurs['prenom']} {valeurs['nom']}")
        elif action == "suppression_personne":
            personne = PersonneAutorisee.objects.filter(
                pk=donnees["pk"], famille_id=demande.famille_id
            ).first()
            if personne is not None:
                personne._history_user = agent  # type: ignore[attr-defined]
                personne._change_reason = raison  # type: ignore[attr-defined]
                libelles.append(f"suppression de {personne.prenom} {personne.nom}")
                personne.delete()
        else:
            raise ValidationError("Cette demande contient une ligne inconnue.")
    for (cle, pk), champs in modifies.items():
        objet = cache[(cle, pk)]
        objet._history_user = agent  # type: ignore[attr-defined]
        objet._change_reason = raison  # type: ignore[attr-defined]
        objet.save(update_fields=champs)
        if isinstance(objet, Famille) and set(champs) & set(CHAMPS_BANCAIRES):
            coordonnees_bancaires_modifiees.send(sender=Famille, famille=objet, agent=agent)
    if action_ajout:
        return _appliquer_ajout(demande, action_ajout, nouveaux, agent, raison)
    n = len(libelles)
    if n == 0:
        return "Aucune modification à appliquer : le dossier était déjà à jour."
    pluriel = "s" if n > 1 else ""
    detail = ", ".join(libelles)
    return f"{n} renseignement{pluriel} modifié{pluriel} ({detail})"


def _appliquer_ajout(
    demande: Demande, action: str, valeurs: dict[str, Any], agent: Any, raison: str
) -> str:
    famille = Famille.objects.select_for_update().get(pk=demande.famille_id)
    if action == "ajout_enfant":
        modele: type[models.Model] = Enfant
        propres = valeurs
    else:
        if famille.responsables.filter(role=Role.CONJOINT).exists():
            raise ValidationError(
                "La famille a déjà un conjoint : la demande ne peut plus s'appliquer."
            )
        modele, propres = Responsable, {**valeurs, "role": Role.CONJOINT}
    champs: dict[str, Any] = {}
    for champ, brute in propres.items():
        field = modele._meta.get_field(champ)
        if isinstance(field, models.ForeignKey):
            champs[field.attname] = brute
        else:
            champs[champ] = field.to_python(brute)
    objet = _creer(modele, {"famille": famille, **champs}, agent, raison)
    if action == "ajout_enfant":
        return f"Enfant {objet.prenom} ajouté au dossier."
    # « Inviter l'autre parent » : le conjoint reçoit son propre compte et ses identifiants
    # par e-mail (Celery, après validation), comme avec envoyer_identifiants.
    lot = comptes_preparer(famille_ids=[famille.pk], seulement_sans_compte=True)
    if any(p.adulte is not None and p.adulte.pk == objet.pk for p in lot.preparees):
        return (
            f"Conjoint {objet.prenom} ajouté au dossier ; ses identifiants lui sont envoyés "
            "par e-mail."
        )
    return f"Conjoint {objet.prenom} ajouté au dossier."


def renseignement_valeur_actuelle(*, ligne: LigneDemande) -> str | None:
    """Crochet ``valeur_actuelle`` : la valeur actuelle du champ, affichée comme l'ancienne
    valeur de la ligne."""
    donnees = ligne.donnees
    if donnees.get("action") == "suppression_personne":
        personne = PersonneAutorisee.objects.filter(pk=donnees.get("pk")).first()
        if personne is None:
            return ""
        return _personne_autorisee_affichee(
            {c: getattr(personne, c) for c in CHAMPS_PERSONNE_AUTORISEE}
        )
    if donnees.get("action") != "modification":
        return None
    modele = MODELES.get(donnees.get("modele", ""))
    if modele is None:
        return None
    objet = modele._default_manager.filter(pk=donnees.get("pk")).first()
    if objet is None:
        return "(fiche supprimée)"
    field = modele._meta.get_field(ligne.champ)
    return valeur_affichee(modele, ligne.champ, _brute(field, field.value_from_object(objet)))
