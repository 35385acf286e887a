"""Les e-mails des réservations, envoyés par Celery après le commit (sous les services :
ils lisent les modèles et rendent les gabarits, sans appeler de service). Les noms des tâches
sont ceux d'avant leur déplacement depuis ``tasks.py`` : les tâches déjà en file tournent."""

from django.conf import settings

from portail.noyau.emails import envoyer_email, tache_email

from .models import RappelPeriode, Reservation


@tache_email("reservations.tasks.envoyer_rappel_periode")
def envoyer_rappel_periode(*, rappel_id: int) -> int:
    rappel = (
        RappelPeriode.objects.select_related("periode__activite", "famille")
        .prefetch_related("famille__responsables__compte")
        .filter(pk=rappel_id)
        .first()
    )
    if rappel is None:
        return 0
    famille = rappel.famille
    periode = rappel.periode
    enfants = [
        enfant.prenom
        for enfant in famille.enfants.filter(
            actif=True, inscriptions__activite_id=periode.activite_id
        ).order_by("date_naissance", "prenom")
    ]
    return envoyer_email(
        destinataires=famille.adresses_a_ecrire(),
        gabarit="rappel_periode",
        contexte={
            "famille": famille,
            "periode": periode,
            "enfants": enfants,
            "adresse_portail": settings.PORTAIL_URL,
        },
    )


@tache_email("reservations.tasks.envoyer_avis_attente")
def envoyer_avis_attente(*, reservation_id: int, evenement: str) -> int:
    """Prévient le foyer inscrit (garde alternée : celui qui a réservé) : place attribuée
    depuis la liste d'attente, ou liste close. L'e-mail va à l'adulte qui a mis l'enfant sur
    la liste (l'auteur de la demande du jour), à défaut à chaque adulte qui l'accepte."""
    reservation = (
        Reservation.objects.select_related(
            "famille", "enfant", "unite__activite", "demande__cree_par"
        )
        .prefetch_related("famille__responsables__compte")
        .filter(pk=reservation_id)
        .first()
    )
    if reservation is None:
        return 0
    auteur = reservation.demande.cree_par if reservation.demande is not None else None
    return envoyer_email(
        destinataires=reservation.famille.adresses_a_ecrire(auteur=auteur),
        gabarit="liste_attente",
        contexte={
            "reservation": reservation,
            "attribuee": evenement == "attribuee",
            "adresse_portail": settings.PORTAIL_URL,
        },
    )
