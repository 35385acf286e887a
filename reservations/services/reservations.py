"""Les demandes de réservation : contrôle des règles, places gardées, application.

Un parent coche et décoche des jours ; ``reservation_demander`` contrôle chaque ajout et
chaque suppression sur le serveur (délai, période, ouverture, fermeture, inscription,
unités exclusives, capacité), garde les places par des réservations « demandées » et crée
une demande par enfant. L'agent (ou la règle automatique) l'accepte ligne par ligne par
demandes.services.demande_accepter, qui appelle ``reservation_appliquer`` ci-dessous.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from demandes.models import Demande, LigneDemande
from demandes.services import Ligne, demande_accepter, demande_creer
from familles.models import Enfant, Famille
from familles.selectors import enfants_du_foyer
from portail.noyau import registre

from ..models import (
    EtatReservation,
    Periode,
    Reservation,
    Unite,
    Validation,
)
from ..regles import (
    Choix,
    Contexte,
    est_active,
    periode_affichee,
    raison_blocage,
    suppression_en_attente,
)
from ..selectors import charger_contexte
from .attente import ATTENTE, attente_attribuer, prochain_rang
from .reglement import reglement_message

TYPE_DEMANDE = "reservations"
AJOUT = "ajout"
SUPPRESSION = "suppression"


def _pluriel(n: int, singulier: str, pluriel: str | None = None) -> str:
    # En français, 0 et 1 sont au singulier.
    return f"{n} {singulier if n <= 1 else (pluriel or singulier + 's')}"


def nom_activite(nom: str) -> str:
    """« CANTINE » → « Cantine », « ALSH MERCREDI » → « ALSH mercredi »."""
    mots = nom.split()
    return " ".join(
        mot if (len(mot) <= 4 and mot.isupper()) else (mot.capitalize() if i == 0 else mot.lower())
        for i, mot in enumerate(mots)
    )


def libelle_ligne(action: str, jour: date, unite: Unite) -> str:
    if action == ATTENTE:
        return f"Inscription sur liste d'attente du {jour:%d/%m/%Y} ({unite.nom})"
    quoi = "Ajout" if action == AJOUT else "Suppression"
    return f"{quoi} de la réservation du {jour:%d/%m/%Y} ({unite.nom})"


def resume_demande(periode: Periode, enfant: Enfant, ajouts: int, suppressions: int) -> str:
    compte = ", ".join(
        p
        for p in [
            _pluriel(ajouts, "ajout") if ajouts else "",
            _pluriel(suppressions, "suppression") if suppressions else "",
        ]
        if p
    )
    return (
        f"Réservations {nom_activite(periode.activite.nom)} pour {enfant.prenom} sur la période "
        f"du {periode.date_debut:%d/%m/%Y} au {periode.date_fin:%d/%m/%Y} ({compte})"
    )


@dataclass(frozen=True)
class LigneRecap:
    action: str
    choix: Choix
    unite: Unite

    @property
    def libelle(self) -> str:
        return libelle_ligne(self.action, self.choix.date, self.unite)


def lignes_recap(
    ctx: Contexte,
    ajouts: Iterable[Choix],
    suppressions: Iterable[Choix],
    attentes: Iterable[Choix] = (),
) -> dict[int, list[LigneRecap]]:
    """Les lignes du récapitulatif, par enfant, dans l'ordre des jours puis des unités."""
    ordre = {u.pk: i for i, u in enumerate(ctx.unites)}
    lignes: dict[int, list[LigneRecap]] = defaultdict(list)
    for action, choix_liste in ((AJOUT, ajouts), (SUPPRESSION, suppressions), (ATTENTE, attentes)):
        for choix in choix_liste:
            unite = ctx.unites_par_id[choix.unite_id]
            lignes[choix.enfant_id].append(LigneRecap(action, choix, unite))
    for liste in lignes.values():
        liste.sort(key=lambda lr: (lr.choix.date, ordre[lr.choix.unite_id], lr.action))
    return dict(lignes)


def _verifier_attentes(ctx: Contexte, attentes: list[Choix], maintenant: datetime) -> list[str]:
    """Une inscription sur liste d'attente : un jour complet, dans les règles d'un ajout,
    dont la liste n'est pas close, où l'enfant n'est pas déjà."""
    erreurs = []
    for choix in attentes:
        unite = ctx.unites_par_id.get(choix.unite_id)
        if unite is None:
            erreurs.append("Cette unité n'appartient pas à l'activité de la période.")
            continue
        nom = f"{choix.date:%d/%m/%Y} ({unite.nom})"
        reservation = ctx.reservation(choix)
        if est_active(reservation) or (
            reservation is not None and reservation.etat == EtatReservation.LISTE_ATTENTE
        ):
            erreurs.append(f"Le {nom} est déjà réservé, demandé ou sur la liste d'attente.")
            continue
        raison = raison_blocage(ctx, choix, maintenant)
        if raison:
            erreurs.append(
                f"Impossible de s'inscrire sur la liste d'attente du {nom} : {raison.lower()}."
            )
        elif ctx.places_restantes(choix.unite_id, choix.date) != 0:
            erreurs.append(f"Le {nom} n'est pas complet : réservez-le directement.")
        elif (choix.unite_id, choix.date) in ctx.attentes_fermees:
            erreurs.append(f"La liste d'attente du {nom} est close.")
        else:
            conflits = [
                ctx.unites_par_id[u].nom
                for u in sorted(ctx.incompatibles.get(choix.unite_id, set()))
                if est_active(ctx.reservation(Choix(choix.enfant_id, u, choix.date)))
            ]
            if conflits:
                erreurs.append(
                    f"Le {choix.date:%d/%m/%Y}, {unite.nom} ne peut pas être réservé avec "
                    f"{', '.join(conflits)} : choisissez l'un ou l'autre."
                )
    return erreurs


def _verifier(
    ctx: Contexte,
    ajouts: list[Choix],
    suppressions: list[Choix],
    maintenant: datetime,
    attentes: list[Choix] | None = None,
) -> list[str]:
    """Toutes les raisons de refuser ces changements (liste vide : tout est permis)."""
    erreurs: list[str] = _verifier_attentes(ctx, attentes or [], maintenant)

    def nom(choix: Choix) -> str:
        unite = ctx.unites_par_id.get(choix.unite_id)
        return f"{choix.date:%d/%m/%Y} ({unite.nom if unite else '?'})"

    if set(ajouts) & set(suppressions) or set(attentes or []) & (set(ajouts) | set(suppressions)):
        erreurs.append("Un même jour ne peut pas être à la fois ajouté et supprimé.")
    for choix in ajouts:
        if choix.unite_id not in ctx.unites_par_id:
            erreurs.append("Cette unité n'appartient pas à l'activité de la période.")
            continue
        reservation = ctx.reservation(choix)
        if ctx.autre_foyer(reservation):
            erreurs.append(f"Le {nom(choix)} est déjà réservé par l'autre foyer.")
            continue
        if est_active(reservation):
            erreurs.append(f"Le {nom(choix)} est déjà réservé ou demandé.")
            continue
        raison = raison_blocage(ctx, choix, maintenant)
        if raison:
            erreurs.append(f"Impossible de réserver le {nom(choix)} : {raison.lower()}.")
    for choix in suppressions:
        if choix.unite_id not in ctx.unites_par_id:
            erreurs.append("Cette unité n'appartient pas à l'activité de la période.")
            continue
        reservation = ctx.reservation(choix)
        if ctx.autre_foyer(reservation):
            erreurs.append(f"Le {nom(choix)} a été réservé par l'autre foyer : lui seul l'annule.")
            continue
        if reservation is None or reservation.etat != EtatReservation.RESERVEE:
            erreurs.append(f"Le {nom(choix)} n'est pas une réservation validée à supprimer.")
            continue
        if suppression_en_attente(reservation):
            erreurs.append(f"La suppression du {nom(choix)} est déjà demandée.")
            continue
        raison = raison_blocage(ctx, choix, maintenant, suppression=True)
        if raison:
            erreurs.append(f"Impossible de supprimer le {nom(choix)} : {raison.lower()}.")
    if erreurs:
        return erreurs

    # Unités exclusives (Journée / Matin) : ce qui resterait pris le même jour pour l'enfant.
    retirees = set(suppressions)
    prises: dict[tuple[int, date], set[int]] = defaultdict(set)
    for (enfant_id, unite_id, jour), reservation in ctx.reservations.items():
        if est_active(reservation) and Choix(enfant_id, unite_id, jour) not in retirees:
            prises[(enfant_id, jour)].add(unite_id)
    for choix in ajouts:
        prises[(choix.enfant_id, choix.date)].add(choix.unite_id)
    for choix in sorted(ajouts):
        conflits = (
            ctx.incompatibles.get(choix.unite_id, set()) & prises[(choix.enfant_id, choix.date)]
        )
        if conflits:
            autres = ", ".join(sorted(ctx.unites_par_id[c].nom for c in conflits))
            message = (
                f"Le {choix.date:%d/%m/%Y}, {ctx.unites_par_id[choix.unite_id].nom} ne peut "
                f"pas être réservé avec {autres} : choisissez l'un ou l'autre."
            )
            if message not in erreurs:
                erreurs.append(message)

    # Capacité : les places déjà prises (demandées comprises) plus les ajouts.
    par_jour = Counter((c.unite_id, c.date) for c in ajouts)
    for (unite_id, jour), nombre in sorted(par_jour.items(), key=lambda x: x[0][1]):
        restantes = ctx.places_restantes(unite_id, jour)
        if restantes is not None and nombre > restantes:
            unite = ctx.unites_par_id[unite_id]
            erreurs.append(
                f"Plus de place le {jour:%d/%m/%Y} ({unite.nom}) : complet."
                if restantes == 0
                else f"Plus assez de places le {jour:%d/%m/%Y} ({unite.nom}) : "
                f"{_pluriel(restantes, 'place restante', 'places restantes')}."
            )
    return erreurs


def _enfants_de_la_famille(famille: Famille, choix: Iterable[Choix]) -> list[Enfant]:
    ids = {c.enfant_id for c in choix}
    enfants = list(enfants_du_foyer(famille).filter(pk__in=ids).order_by("prenom"))
    if len(enfants) != len(ids):
        raise ValidationError("Un des enfants indiqués n'appartient pas à votre famille.")
    return enfants


def _controler_periode(periode: Periode, maintenant: datetime) -> None:
    if not periode_affichee(periode, timezone.localtime(maintenant).date()):
        raise ValidationError("Cette période n'est pas ouverte aux réservations.")


def regles_nouvelles_reservations(
    *, famille: Famille, periode: Periode, maintenant: datetime
) -> list[str]:
    """Ce qui empêche la famille de faire de nouvelles réservations sur cette période : le
    règlement intérieur de l'année à accepter, et les règles déclarées au registre par les
    autres applications (impayés). Les suppressions restent toujours possibles."""
    erreurs = [
        message
        for regle in registre.regles_reservation()
        if (message := regle(famille=famille, maintenant=maintenant))
    ]
    message = reglement_message(famille=famille, periode=periode)
    if message:
        erreurs.append(message)
    return erreurs


def _controler(
    *,
    famille: Famille,
    periode: Periode,
    ajouts: list[Choix],
    suppressions: list[Choix],
    attentes: list[Choix],
    maintenant: datetime,
    verrouiller: bool,
) -> tuple[list[Enfant], Contexte]:
    _controler_periode(periode, maintenant)
    if not ajouts and not suppressions and not attentes:
        raise ValidationError("Vous n'avez rien modifié : cochez ou décochez au moins un jour.")
    enfants = _enfants_de_la_famille(famille, [*ajouts, *suppressions, *attentes])
    if ajouts or attentes:
        erreurs = regles_nouvelles_reservations(
            famille=famille, periode=periode, maintenant=maintenant
        )
        if erreurs:
            raise ValidationError(erreurs)
    if verrouiller:
        list(
            Unite.objects.select_for_update().filter(activite_id=periode.activite_id).order_by("pk")
        )
    ctx = charger_contexte(periode, enfants, foyer_id=famille.pk)
    erreurs = _verifier(ctx, ajouts, suppressions, maintenant, attentes)
    if erreurs:
        raise ValidationError(erreurs)
    return enfants, ctx


def reservation_verifier(
    *,
    famille: Famille,
    periode: Periode,
    ajouts: list[Choix],
    suppressions: list[Choix],
    attentes: list[Choix] | None = None,
    maintenant: datetime | None = None,
) -> dict[int, list[LigneRecap]]:
    """Contrôle les changements sans rien écrire ; renvoie les lignes de la page de
    récapitulatif par enfant, ou lève ValidationError avec chaque raison en français."""
    attentes = attentes or []
    _, ctx = _controler(
        famille=famille,
        periode=periode,
        ajouts=ajouts,
        suppressions=suppressions,
        attentes=attentes,
        maintenant=maintenant or timezone.now(),
        verrouiller=False,
    )
    return lignes_recap(ctx, ajouts, suppressions, attentes)


@transaction.atomic
def reservation_demander(
    *,
    famille: Famille,
    periode: Periode,
    ajouts: list[Choix],
    suppressions: list[Choix],
    attentes: list[Choix] | None = None,
    commentaire: str = "",
    auteur: Any = None,
    maintenant: datetime | None = None,
) -> list[Demande]:
    """Crée une demande « Réservations » par enfant concerné, en gardant les places.

    Les unités de l'activité sont verrouillées (select_for_update) le temps du contrôle et
    de l'écriture : deux familles qui demandent la dernière place en même temps ne
    l'obtiennent jamais toutes les deux. En validation automatique, chaque demande est
    acceptée aussitôt par le même service que l'agent.
    """
    maintenant = maintenant or timezone.now()
    attentes = attentes or []
    enfants, ctx = _controler(
        famille=famille,
        periode=periode,
        ajouts=ajouts,
        suppressions=suppressions,
        attentes=attentes,
        maintenant=maintenant,
        verrouiller=True,
    )

    recap = lignes_recap(ctx, ajouts, suppressions, attentes)
    demandes = []
    for enfant in enfants:
        lignes = recap.get(enfant.pk, [])
        if not lignes:
            continue
        nb_ajouts = sum(1 for lr in lignes if lr.action != SUPPRESSION)
        demande = demande_creer(
            famille=famille,
            type=TYPE_DEMANDE,
            resume=resume_demande(periode, enfant, nb_ajouts, len(lignes) - nb_ajouts),
            lignes=[
                Ligne(
                    libelle=lr.libelle,
                    champ=lr.unite.nom,
                    ancienne_valeur="Réservé" if lr.action == SUPPRESSION else "Non réservé",
                    nouvelle_valeur=_NOUVELLE_VALEUR[lr.action],
                    donnees={
                        "action": lr.action,
                        "enfant": enfant.pk,
                        "unite": lr.unite.pk,
                        "date": lr.choix.date.isoformat(),
                    },
                )
                for lr in lignes
            ],
            commentaire=commentaire,
            personne=f"{enfant.prenom} {enfant.nom}",
            activite=periode.activite.nom,
            cible=enfant,
            donnees={"periode": periode.pk, "enfant": enfant.pk},
            auteur=auteur,
        )
        a_creer, a_modifier = [], []
        for lr in lignes:
            reservation = ctx.reservation(lr.choix)
            # Le rang sur la liste d'attente est donné ici, l'unité verrouillée.
            rang = prochain_rang(lr.unite.pk, lr.choix.date) if lr.action == ATTENTE else None
            etat = (
                EtatReservation.LISTE_ATTENTE if lr.action == ATTENTE else EtatReservation.DEMANDEE
            )
            if lr.action != SUPPRESSION and reservation is None:
                a_creer.append(
                    Reservation(
                        enfant=enfant,
                        famille=famille,
                        unite=lr.unite,
                        date=lr.choix.date,
                        etat=etat,
                        rang_attente=rang,
                        demande=demande,
                    )
                )
            elif reservation is not None:
                # Un jour refusé redemandé redevient « demandé » ; un jour à supprimer
                # reste réservé, la demande en attente le signale.
                if lr.action != SUPPRESSION:
                    reservation.etat = etat
                    reservation.rang_attente = rang
                    reservation.famille = famille  # un jour refusé, repris par ce foyer
                reservation.demande = demande
                reservation.modifiee_le = maintenant
                a_modifier.append(reservation)
            if rang is not None:
                # Deux enfants inscrits le même jour : le second après le premier.
                if a_creer:
                    bulk_create_with_history(a_creer, Reservation)
                    a_creer = []
                if a_modifier:
                    bulk_update_with_history(
                        a_modifier,
                        Reservation,
                        ["etat", "famille", "demande", "rang_attente", "modifiee_le"],
                    )
                    a_modifier = []
        if a_creer:
            bulk_create_with_history(a_creer, Reservation)
        if a_modifier:
            bulk_update_with_history(
                a_modifier,
                Reservation,
                ["etat", "famille", "demande", "rang_attente", "modifiee_le"],
            )
        demandes.append(demande)

    if periode.activite.validation == Validation.AUTOMATIQUE:
        for i, demande in enumerate(demandes):
            lignes_demande = recap[demande.donnees["enfant"]]
            nb_ajouts = sum(1 for lr in lignes_demande if lr.action == AJOUT)
            nb_attentes = sum(1 for lr in lignes_demande if lr.action == ATTENTE)
            texte = _texte_reponse(
                nb_ajouts, len(lignes_demande) - nb_ajouts - nb_attentes, 0, nb_attentes
            )
            demandes[i] = demande_accepter(
                demande=demande,
                automatique=True,
                reponse=f"{texte} (traitement automatique).",
            )
    return demandes


_NOUVELLE_VALEUR = {AJOUT: "Réservé", SUPPRESSION: "Non réservé", ATTENTE: "Liste d'attente"}


def _texte_reponse(ajouts: int, suppressions: int, refusees: int, attentes: int = 0) -> str:
    parties = []
    if ajouts:
        parties.append(_pluriel(ajouts, "réservation validée", "réservations validées"))
    if suppressions:
        parties.append(_pluriel(suppressions, "suppression validée", "suppressions validées"))
    if attentes:
        parties.append(
            _pluriel(
                attentes, "inscription sur liste d'attente", "inscriptions sur liste d'attente"
            )
        )
    if refusees:
        parties.append(_pluriel(refusees, "ligne refusée", "lignes refusées"))
    if not ajouts and not suppressions and not attentes:
        parties.insert(0, "Aucune réservation validée")
    return ", ".join(parties)


def _reservations_de(demande: Demande) -> dict[tuple[int, date], Reservation]:
    return {
        (r.unite_id, r.date): r
        for r in Reservation.objects.select_for_update()
        .filter(demande=demande)
        .select_related("unite")
    }


def _changee(reservation: Reservation | None, attendu: str, ligne: LigneDemande) -> None:
    if reservation is None or reservation.etat != attendu:
        raise ValidationError(
            f"« {ligne.libelle} » ne peut plus être appliquée : la réservation a changé "
            "depuis la demande."
        )


def reservation_appliquer(*, demande: Demande, lignes: list[LigneDemande]) -> str:
    """Crochet ``appliquer`` : applique les lignes acceptées (ajout → réservé, suppression →
    retirée) et libère les places des lignes refusées ; renvoie « 8 réservations validées »."""
    acceptees = {ligne.pk for ligne in lignes}
    toutes = list(LigneDemande.objects.filter(demande=demande))
    reservations = _reservations_de(demande)
    a_modifier: list[Any] = []
    a_supprimer: list[Any] = []
    liberees: set[tuple[int, date]] = set()
    nb_ajouts = nb_suppressions = nb_refusees = nb_attentes = 0
    for ligne in toutes:
        cle = (ligne.donnees.get("unite"), date.fromisoformat(ligne.donnees.get("date", "")))
        reservation = reservations.get(cle)  # type: ignore[arg-type]
        action = ligne.donnees.get("action")
        if action == ATTENTE:
            # L'inscription est faite à la demande ; une place déjà attribuée reste acquise.
            if ligne.pk in acceptees:
                nb_attentes += 1
            else:
                nb_refusees += 1
                if reservation and reservation.etat == EtatReservation.LISTE_ATTENTE:
                    reservation.etat = EtatReservation.REFUSEE
                    reservation.rang_attente = None
                    reservation.modifiee_le = timezone.now()
                    a_modifier.append(reservation)
            continue
        if ligne.pk in acceptees:
            if action == AJOUT:
                _changee(reservation, EtatReservation.DEMANDEE, ligne)
                reservation.etat = EtatReservation.RESERVEE  # type: ignore[union-attr]
                reservation.modifiee_le = timezone.now()  # type: ignore[union-attr]
                a_modifier.append(reservation)
                nb_ajouts += 1
            else:
                _changee(reservation, EtatReservation.RESERVEE, ligne)
                a_supprimer.append(reservation)
                liberees.add(cle)  # type: ignore[arg-type]
                nb_suppressions += 1
        else:
            nb_refusees += 1
            if action == AJOUT and reservation and reservation.etat == EtatReservation.DEMANDEE:
                reservation.etat = EtatReservation.REFUSEE
                reservation.modifiee_le = timezone.now()
                a_modifier.append(reservation)
                liberees.add(cle)  # type: ignore[arg-type]
    if a_modifier:
        bulk_update_with_history(a_modifier, Reservation, ["etat", "rang_attente", "modifiee_le"])
    for reservation in a_supprimer:
        reservation.delete()  # une par une : l'historique garde la trace de chacune
    # Les places libérées vont aux listes d'attente, dans la même transaction.
    attente_attribuer(cles=liberees)
    return _texte_reponse(nb_ajouts, nb_suppressions, nb_refusees, nb_attentes)


def reservation_refuser(*, demande: Demande) -> None:
    """Crochet ``refuser`` : refus de toute la demande (par un agent ou automatique) ; les
    places gardées sont libérées et les jours marqués « refusée ». Les réservations dont la
    suppression était demandée restent réservées."""
    gardees = [
        r
        for r in _reservations_de(demande).values()
        if r.etat in (EtatReservation.DEMANDEE, EtatReservation.LISTE_ATTENTE)
    ]
    liberees = {(r.unite_id, r.date) for r in gardees if r.etat == EtatReservation.DEMANDEE}
    for reservation in gardees:
        reservation.etat = EtatReservation.REFUSEE
        reservation.rang_attente = None
        reservation.modifiee_le = timezone.now()
    if gardees:
        bulk_update_with_history(gardees, Reservation, ["etat", "rang_attente", "modifiee_le"])
    attente_attribuer(cles=liberees)


def reservation_annuler(*, demande: Demande) -> None:
    """Crochet ``annuler`` : la famille supprime sa demande en attente (demande_annuler) ;
    les jours demandés sont simplement retirés, sans trace de refus au planning. Les
    réservations dont la suppression était demandée restent réservées."""
    liberees = set()
    for reservation in _reservations_de(demande).values():
        if reservation.etat in (EtatReservation.DEMANDEE, EtatReservation.LISTE_ATTENTE):
            if reservation.etat == EtatReservation.DEMANDEE:
                liberees.add((reservation.unite_id, reservation.date))
            reservation.delete()  # une par une : l'historique garde la trace de chacune
    attente_attribuer(cles=liberees)
