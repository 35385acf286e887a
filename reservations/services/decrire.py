"""Pour l'agent, ligne par ligne, ce qu'une demande de réservation change : places occupées,
liste d'attente et délai (crochet ``decrire`` du registre)."""

from collections import Counter
from datetime import date

from django.utils import timezone

from demandes.models import LigneDemande

from ..models import ETATS_OCCUPANT_UNE_PLACE, EtatReservation, Reservation, Unite
from ..regles import date_limite, texte_limite
from .reservations import SUPPRESSION, _pluriel


def reservation_decrire(*, lignes: list[LigneDemande]) -> dict[int, str]:
    """Crochet ``decrire`` : pour l'agent, ligne par ligne, les places occupées ce jour et
    le délai (2 requêtes)."""
    cles = {}
    actions = {ligne.pk: ligne.donnees.get("action") for ligne in lignes}
    for ligne in lignes:
        try:
            cles[ligne.pk] = (
                int(ligne.donnees["unite"]),
                date.fromisoformat(ligne.donnees["date"]),
            )
        except (KeyError, TypeError, ValueError):
            continue
    unites = Unite.objects.select_related("activite").in_bulk({u for u, _ in cles.values()})
    occupation: Counter = Counter()
    en_attente: Counter = Counter()
    if cles:
        for unite_id, jour, etat in Reservation.objects.filter(
            unite_id__in=unites.keys(),
            date__in={j for _, j in cles.values()},
            etat__in=(*ETATS_OCCUPANT_UNE_PLACE, EtatReservation.LISTE_ATTENTE),
        ).values_list("unite_id", "date", "etat"):
            if etat == EtatReservation.LISTE_ATTENTE:
                en_attente[(unite_id, jour)] += 1
            else:
                occupation[(unite_id, jour)] += 1
    maintenant = timezone.now()
    infos = {}
    for ligne_id, (unite_id, jour) in cles.items():
        unite = unites.get(unite_id)
        if unite is None:
            continue
        suppression = actions.get(ligne_id) == SUPPRESSION
        occupees = occupation[(unite_id, jour)]
        if unite.capacite is None:
            texte = f"{_pluriel(occupees, 'enfant inscrit', 'enfants inscrits')}, pas de limite"
        else:
            restantes = max(unite.capacite - occupees, 0)
            texte = (
                f"{_pluriel(occupees, 'place occupée', 'places occupées')} sur "
                f"{unite.capacite} (demandes en attente comprises), "
                f"{_pluriel(restantes, 'place restante', 'places restantes')}"
            )
        if en_attente[(unite_id, jour)]:
            texte += (
                f", {_pluriel(en_attente[(unite_id, jour)], 'foyer', 'foyers')} sur la liste "
                f"d'attente (Réservations → Liste d'attente du {jour:%d/%m/%Y})"
            )
        limite = date_limite(unite.activite, jour, suppression=suppression)
        if maintenant >= limite:
            texte += f" — hors délai (possible {texte_limite(limite)})"
        infos[ligne_id] = texte
    return infos
