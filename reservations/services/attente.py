"""La liste d'attente d'un jour complet : inscription, rang, attribution, ordre, clôture.

Un jour complet (capacité atteinte) d'une unité propose « Liste d'attente » : l'inscription
est une ligne de la demande de réservation (action ``ATTENTE``) et une réservation dans
l'état « Liste d'attente » qui n'occupe aucune place, rangée par ``rang_attente``. Le rang,
l'ordre et l'attribution sont décidés ici, quoi qu'envoie le navigateur.

Quand une place se libère (réservation annulée, refusée, retirée par un agent, capacité
augmentée), ``attente_attribuer`` la donne au premier foyer **dans la même transaction**,
l'unité verrouillée (select_for_update) comme pour une nouvelle demande : jamais plus de
réservations que de places. Dans le délai, la liste est close et les familles prévenues.
"""

from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from familles.models import Famille

from ..emails import envoyer_avis_attente
from ..models import ETATS_OCCUPANT_UNE_PLACE, EtatReservation, JourOuverture, Reservation, Unite
from ..regles import date_limite, texte_rang  # noqa: F401  (ré-exporté)

ATTENTE = "attente"
ATTRIBUEE = "attribuee"
CLOSE = "close"
RAISON_ATTRIBUTION = "Place attribuée depuis la liste d'attente"


def _verrouiller(unite_ids: Iterable[int]) -> dict[int, Unite]:
    """Verrouille les unités (dans l'ordre des pk, comme reservation_demander)."""
    return {
        u.pk: u
        for u in Unite.objects.select_for_update(of=("self",))
        .select_related("activite")
        .filter(pk__in=set(unite_ids))
        .order_by("pk")
    }


def _file(unite: Unite, jour: date) -> list[Reservation]:
    return list(
        Reservation.objects.select_for_update()
        .filter(unite=unite, date=jour, etat=EtatReservation.LISTE_ATTENTE)
        .select_related("enfant__famille")
        .order_by("rang_attente", "id")
    )


def prochain_rang(unite_id: int, jour: date) -> int:
    """Le rang d'une nouvelle inscription : après la dernière (unité déjà verrouillée)."""
    dernier = Reservation.objects.filter(
        unite_id=unite_id, date=jour, etat=EtatReservation.LISTE_ATTENTE
    ).aggregate(m=Max("rang_attente"))["m"]
    return (dernier or 0) + 1


def _occupees(unite: Unite, jour: date) -> int:
    return Reservation.objects.filter(
        unite=unite, date=jour, etat__in=ETATS_OCCUPANT_UNE_PLACE
    ).count()


def _prevenir(reservation: Reservation, evenement: str) -> None:
    transaction.on_commit(
        partial(envoyer_avis_attente.delay, reservation_id=reservation.pk, evenement=evenement)
    )


def _attribuer(reservation: Reservation, *, raison: str = RAISON_ATTRIBUTION) -> None:
    reservation.etat = EtatReservation.RESERVEE
    reservation.rang_attente = None
    reservation._change_reason = raison  # type: ignore[attr-defined]
    reservation.save(update_fields=["etat", "rang_attente", "modifiee_le"])
    _prevenir(reservation, ATTRIBUEE)


def attente_attribuer(
    *, cles: Iterable[tuple[int, date]], maintenant: datetime | None = None
) -> int:
    """Donne les places libres de ces jours (unité, date) aux premiers de la liste, dans la
    transaction de l'appelant ; dans le délai d'ajout, ferme la liste et prévient les
    familles. Renvoie le nombre de places attribuées."""
    cles = sorted(set(cles))
    if not cles:
        return 0
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        unites = _verrouiller(u for u, _ in cles)
        fermees = set(
            JourOuverture.objects.filter(
                unite_id__in=unites, date__in={j for _, j in cles}, attente_fermee=True
            ).values_list("unite_id", "date")
        )
        attribuees = 0
        for unite_id, jour in cles:
            unite = unites.get(unite_id)
            if unite is None or unite.capacite is None or (unite_id, jour) in fermees:
                continue
            file = _file(unite, jour)
            if not file:
                continue
            libres = unite.capacite - _occupees(unite, jour)
            if libres <= 0:
                continue
            if maintenant >= date_limite(unite.activite, jour):
                _fermer(unite, jour, file)
                continue
            for reservation in file:
                if libres <= 0:
                    break
                if _incompatible(reservation):
                    continue  # reste sur la liste : l'enfant a pris une unité exclusive
                _attribuer(reservation)
                attribuees += 1
                libres -= 1
        return attribuees


def _incompatible(reservation: Reservation) -> bool:
    """L'enfant a déjà ce jour-là une unité exclusive de celle attendue (Matin / Journée)."""
    return Reservation.objects.filter(
        enfant_id=reservation.enfant_id,
        date=reservation.date,
        unite__in=reservation.unite.incompatibles.all(),
        etat__in=(*ETATS_OCCUPANT_UNE_PLACE, EtatReservation.ABSENT_EXCUSE),
    ).exists()


def _fermer(unite: Unite, jour: date, file: list[Reservation]) -> None:
    JourOuverture.objects.filter(unite=unite, date=jour).update(attente_fermee=True)
    for reservation in file:
        _prevenir(reservation, CLOSE)


def attente_apres_capacite(*, unites: Iterable[Unite], maintenant: datetime | None = None) -> int:
    """Après un changement de capacité : les jours à venir de ces unités qui ont une liste
    d'attente reçoivent les places nouvelles."""
    aujourdhui = timezone.localdate(maintenant or timezone.now())
    cles = set(
        Reservation.objects.filter(
            unite__in=list(unites), date__gte=aujourdhui, etat=EtatReservation.LISTE_ATTENTE
        ).values_list("unite_id", "date")
    )
    return attente_attribuer(cles=cles, maintenant=maintenant)


def _inscription(reservation_id: int, *, famille: Famille | None = None) -> Reservation:
    filtre: dict[str, Any] = {"pk": reservation_id, "etat": EtatReservation.LISTE_ATTENTE}
    if famille is not None:
        filtre["enfant__famille"] = famille
    reservation = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("unite__activite", "enfant")
        .filter(**filtre)
        .first()
    )
    if reservation is None:
        raise Http404
    return reservation


@transaction.atomic
def attente_quitter(*, famille: Famille, reservation_id: int) -> Reservation:
    """La famille quitte la liste d'attente d'un jour (404 pour une autre famille)."""
    reservation = _inscription(reservation_id, famille=famille)
    reservation._change_reason = "La famille a quitté la liste d'attente"  # type: ignore[attr-defined]
    reservation.delete()
    return reservation


@transaction.atomic
def attente_deplacer(*, reservation_id: int, sens: int, agent: Any) -> None:
    """L'agent fait monter (sens = -1) ou descendre (sens = +1) un foyer d'un rang."""
    if sens not in (-1, 1):
        raise ValidationError("Choisissez de monter ou de descendre d'un rang.")
    premiere = _inscription(reservation_id)
    _verrouiller([premiere.unite_id])
    file = _file(premiere.unite, premiere.date)
    position = next(i for i, r in enumerate(file) if r.pk == premiere.pk)
    cible = position + sens
    if not 0 <= cible < len(file):
        raise ValidationError(
            "Ce foyer est déjà le premier de la liste."
            if sens < 0
            else "Ce foyer est déjà le dernier de la liste."
        )
    file[position], file[cible] = file[cible], file[position]
    for rang, reservation in enumerate(file, start=1):
        if reservation.rang_attente != rang:
            reservation.rang_attente = rang
            reservation._change_reason = f"Liste d'attente réordonnée par {agent}"  # type: ignore[attr-defined]
            reservation.save(update_fields=["rang_attente", "modifiee_le"])


@transaction.atomic
def attente_donner(*, reservation_id: int, agent: Any) -> Reservation:
    """L'agent donne la place à un foyer de la liste, quel que soit son rang, s'il reste une
    place (liste close comprise) : jamais plus de réservations que de places."""
    reservation = _inscription(reservation_id)
    unite = _verrouiller([reservation.unite_id])[reservation.unite_id]
    if unite.capacite is not None and _occupees(unite, reservation.date) >= unite.capacite:
        raise ValidationError(
            f"Plus de place le {reservation.date:%d/%m/%Y} ({unite.nom}) : augmentez la "
            "capacité ou retirez une réservation avant de donner la place."
        )
    _attribuer(reservation, raison=f"{RAISON_ATTRIBUTION} (par {agent})")
    return reservation


@transaction.atomic
def attente_fermer(*, unite: Unite, jour: date, agent: Any, fermee: bool = True) -> None:
    """L'agent ferme (ou rouvre) la liste d'attente d'un jour ; à la fermeture, les familles
    inscrites sont prévenues."""
    _verrouiller([unite.pk])
    jours = JourOuverture.objects.filter(unite=unite, date=jour)
    if not jours.exists():
        raise ValidationError("Ce jour n'est pas un jour d'ouverture de l'unité.")
    jours.update(attente_fermee=fermee)
    if fermee:
        for reservation in _file(unite, jour):
            _prevenir(reservation, CLOSE)
    else:
        attente_attribuer(cles=[(unite.pk, jour)])


@transaction.atomic
def reservations_retirer(*, reservations: Iterable[Reservation], agent: Any) -> int:
    """Un agent retire des réservations (admin) : les places libérées vont aussitôt aux
    listes d'attente, dans la même transaction. Renvoie le nombre de réservations retirées."""
    liberees = set()
    nombre = 0
    for reservation in reservations:
        if reservation.etat in ETATS_OCCUPANT_UNE_PLACE:
            liberees.add((reservation.unite_id, reservation.date))
        reservation._change_reason = f"Retirée par {agent}"  # type: ignore[attr-defined]
        reservation.delete()
        nombre += 1
    attente_attribuer(cles=liberees)
    return nombre


@transaction.atomic
def attentes_fermer_dans_le_delai(*, maintenant: datetime | None = None) -> int:
    """Tâche quotidienne : les listes d'attente des jours entrés dans le délai d'ajout sont
    closes et leurs familles prévenues (la place ne sera plus attribuée automatiquement).
    Renvoie le nombre de listes closes."""
    maintenant = maintenant or timezone.now()
    aujourdhui = timezone.localdate(maintenant)
    cles = {
        (r.unite_id, r.date): r.unite
        for r in Reservation.objects.filter(
            etat=EtatReservation.LISTE_ATTENTE, date__gte=aujourdhui
        ).select_related("unite__activite")
    }
    a_fermer = sorted(
        (unite_id, jour)
        for (unite_id, jour), unite in cles.items()
        if maintenant >= date_limite(unite.activite, jour)
    )
    unites = _verrouiller(u for u, _ in a_fermer)
    nombre = 0
    for unite_id, jour in a_fermer:
        jour_ouvert = JourOuverture.objects.filter(unite_id=unite_id, date=jour).first()
        if jour_ouvert is None or jour_ouvert.attente_fermee:
            continue
        _fermer(unites[unite_id], jour, _file(unites[unite_id], jour))
        nombre += 1
    return nombre
