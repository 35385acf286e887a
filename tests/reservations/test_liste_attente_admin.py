"""Côté agent : Effectifs avec la liste d'attente, liste d'un jour (monter, descendre, donner
la place, fermer), réservation retirée et capacité augmentée dans l'admin."""

from html import unescape

import pytest
from django.urls import reverse

from reservations.models import EtatReservation, JourOuverture, Reservation
from reservations.selectors import effectifs

from .attente_outils import MERCREDI, attente_de, inscrire_attente, reserver, troisieme_famille

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lundi_26_octobre")]


@pytest.fixture
def liste(famille, autre_famille, alsh, agent):
    """MARTIN a la place ; DUPONT puis BERNARD attendent."""
    martin = reserver(autre_famille, alsh, agent=agent)
    inscrire_attente(famille, alsh)
    bernard = troisieme_famille(alsh)
    inscrire_attente(bernard, alsh)
    return martin, bernard


def _url(alsh):
    return reverse("admin:reservations_liste_attente", args=[alsh.journee.pk, "2026-11-18"])


def test_effectifs_montrent_la_liste_d_attente(client_agent, alsh, liste):
    tableau = effectifs(debut=MERCREDI, fin=MERCREDI, activite=alsh.periode.activite)
    ((_jour, ligne),) = tableau.lignes
    journee = ligne[tableau.unites.index(alsh.journee)]
    assert (journee.attendus, journee.en_attente, journee.liste_attente) == (1, 0, 2)
    page = unescape(
        client_agent.get(
            reverse("admin:reservations_effectifs"),
            {"du": "2026-11-18", "au": "2026-11-18", "activite": alsh.periode.activite.pk},
        ).content.decode()
    )
    assert "2 en liste d'attente" in page
    assert _url(alsh) in page


def test_l_agent_reordonne_et_donne_la_place(client_agent, famille, alsh, liste):
    martin, bernard = liste
    page = unescape(client_agent.get(_url(alsh)).content.decode())
    assert page.index("Lise") < page.index("Nina")
    nina = attente_de(bernard, alsh)
    client_agent.post(_url(alsh), {"action": "monter", "reservation": nina.pk})
    page = unescape(client_agent.get(_url(alsh)).content.decode())
    assert page.index("Nina") < page.index("Lise")
    # Pas de place libre : donner la place est refusé.
    reponse = client_agent.post(
        _url(alsh), {"action": "donner", "reservation": nina.pk}, follow=True
    )
    assert "Plus de place le 18/11/2026 (Journée)" in unescape(reponse.content.decode())
    assert attente_de(bernard, alsh).etat == EtatReservation.LISTE_ATTENTE
    # La liste close, la place libérée n'est plus attribuée : l'agent la donne à la main.
    client_agent.post(_url(alsh), {"action": "fermer"})
    assert JourOuverture.objects.get(unite=alsh.journee, date=MERCREDI).attente_fermee
    client_agent.post(
        reverse("admin:reservations_reservation_delete", args=[martin.pk]), {"post": "yes"}
    )
    assert not Reservation.objects.filter(pk=martin.pk).exists()
    assert attente_de(bernard, alsh).etat == EtatReservation.LISTE_ATTENTE
    lise = attente_de(famille, alsh)
    client_agent.post(_url(alsh), {"action": "donner", "reservation": lise.pk})
    assert attente_de(famille, alsh).etat == EtatReservation.RESERVEE
    assert attente_de(bernard, alsh).etat == EtatReservation.LISTE_ATTENTE


def test_reservation_retiree_par_l_agent_donne_la_place(client_agent, famille, alsh, liste):
    martin, _ = liste
    reponse = client_agent.post(
        reverse("admin:reservations_reservation_delete", args=[martin.pk]), {"post": "yes"}
    )
    assert reponse.status_code == 302
    assert attente_de(famille, alsh).etat == EtatReservation.RESERVEE


def test_capacite_augmentee_dans_l_admin(client_agent, famille, alsh, liste):
    _, bernard = liste
    activite = alsh.periode.activite
    url = reverse("admin:reservations_activite_change", args=[activite.pk])
    page = client_agent.get(url)
    donnees = {}
    formulaire = page.context["adminform"].form
    for nom, champ in formulaire.fields.items():
        valeur = formulaire.initial.get(nom, champ.initial)
        if valeur is not None:
            donnees[nom] = valeur.strftime("%H:%M") if hasattr(valeur, "strftime") else valeur
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        donnees.update(
            {
                f"{fs.prefix}-TOTAL_FORMS": len(fs.forms),
                f"{fs.prefix}-INITIAL_FORMS": len(fs.initial_forms),
            }
        )
        for form in fs.forms:
            for nom in form.fields:
                valeur = form.initial.get(nom)
                if nom == "incompatibles":
                    valeur = [u.pk for u in (valeur or [])]
                if nom == "id":
                    valeur = form.instance.pk
                if nom == "activite":
                    valeur = activite.pk
                if valeur is True:
                    valeur = "on"
                if valeur is None or valeur is False:
                    continue
                donnees[f"{form.prefix}-{nom}"] = valeur
            if form.instance.pk == alsh.journee.pk:
                donnees[f"{form.prefix}-capacite"] = 3
    reponse = client_agent.post(url, donnees)
    assert reponse.status_code == 302, reponse.context["errors"] if reponse.context else ""
    assert attente_de(famille, alsh).etat == EtatReservation.RESERVEE
    assert attente_de(bernard, alsh).etat == EtatReservation.RESERVEE
