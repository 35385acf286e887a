"""L'« Historique » du parent : liste, filtre, détail, suppression, frontière de la famille."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from demandes.models import Demande, StatutDemande
from demandes.services import demande_accepter, demande_refuser

from .factories import demande_famille, demande_lignes

HISTORIQUE = reverse("demandes:historique")
PARIS = ZoneInfo("Europe/Paris")


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def test_historique_groupe_par_jour_avec_heure_statut_et_reponse(client_parent, famille, agent):
    attente = demande_famille(famille, resume="Changement de ville")
    acceptee = demande_famille(famille, resume="Changement accepté")
    refusee = demande_famille(famille, resume="Changement refusé")
    demande_accepter(demande=acceptee, agent=agent)
    demande_refuser(demande=refusee, agent=agent, motif="Pièce manquante.")
    Demande.objects.filter(pk=attente.pk).update(cree_le=datetime(2022, 11, 2, 0, 5, tzinfo=PARIS))
    Demande.objects.filter(pk=acceptee.pk).update(
        cree_le=datetime(2022, 11, 1, 23, 30, tzinfo=PARIS),
        traite_le=datetime(2022, 11, 2, 9, 0, tzinfo=PARIS),
    )
    texte = _texte(client_parent.get(HISTORIQUE))
    assert "Historique des demandes" in texte
    assert "02/11/2022" in texte and "01/11/2022" in texte
    assert (
        texte.index("02/11/2022") < texte.index("Changement de ville") < texte.index("01/11/2022")
    )
    assert "00:05" in texte and "23:30" in texte
    assert "Demande en attente de traitement." in texte
    assert "Votre demande a été traitée le 02/11/2022. Réponse : 1 renseignement modifié" in texte
    assert "Réponse : Pièce manquante." in texte
    assert "Refusée" in texte and "demande-refusee" in texte
    assert reverse("demandes:supprimer", args=[attente.pk]) in texte
    assert reverse("demandes:supprimer", args=[acceptee.pk]) not in texte
    assert reverse("demandes:detail", args=[acceptee.pk]) in texte


def test_historique_ne_montre_que_la_famille_et_pas_les_demandes_supprimees(
    client_parent, famille, autre_famille
):
    demande_famille(famille, resume="La mienne")
    demande_famille(autre_famille, resume="Celle des MARTIN")
    annulee = demande_famille(famille, resume="Supprimée par moi")
    Demande.objects.filter(pk=annulee.pk).update(statut=StatutDemande.ANNULEE)
    texte = _texte(client_parent.get(HISTORIQUE))
    assert "La mienne" in texte
    assert "Celle des MARTIN" not in texte
    assert "Supprimée par moi" not in texte


def test_historique_filtre_par_type(client_parent, famille):
    demande_famille(famille, resume="Demande globale")
    demande_lignes(famille)
    reponse = client_parent.get(HISTORIQUE, {"type": "test_lignes"})
    texte = _texte(reponse)
    assert "Deux changements" in texte and "Demande globale" not in texte
    assert "Famille (test)" in texte, "le filtre propose les libellés du registre"
    # Un type trafiqué : message clair, toutes les demandes affichées.
    texte = _texte(client_parent.get(HISTORIQUE, {"type": "<script>"}))
    assert "Ce type de demande n'existe pas : toutes vos demandes sont affichées." in texte
    assert "Deux changements" in texte and "Demande globale" in texte


def test_historique_pagine(client_parent, famille):
    for i in range(25):
        demande_famille(famille, resume=f"Demande numéro {i:02d}")
    texte = _texte(client_parent.get(HISTORIQUE))
    assert "Demande numéro 24" in texte and "Demande numéro 04" not in texte
    assert "Page 1 sur 2" in texte
    texte = _texte(client_parent.get(HISTORIQUE, {"page": "2"}))
    assert "Demande numéro 04" in texte and "Demande numéro 24" not in texte
    assert client_parent.get(HISTORIQUE, {"page": "abc"}).status_code == 200


@pytest.mark.parametrize("nombre", [1, 200])
def test_historique_en_nombre_fixe_de_requetes(
    client_parent, famille, agent, nombre, django_assert_max_num_queries
):
    for i in range(nombre):
        demande = demande_famille(famille)
        if i % 2:
            demande_accepter(demande=demande, agent=agent)
    with django_assert_max_num_queries(8):
        assert client_parent.get(HISTORIQUE).status_code == 200
    with django_assert_max_num_queries(8):
        assert client_parent.get(HISTORIQUE, {"type": "test_famille", "page": 3}).status_code == 200


@pytest.mark.parametrize("nombre_lignes", [1, 100])
def test_detail_en_nombre_fixe_de_requetes(
    client_parent, famille, nombre_lignes, django_assert_max_num_queries
):
    from demandes.services import Ligne

    demande = demande_famille(
        famille,
        lignes=[Ligne(libelle=f"Ligne {i}", champ="ville") for i in range(nombre_lignes)],
    )
    with django_assert_max_num_queries(8):
        assert client_parent.get(reverse("demandes:detail", args=[demande.pk])).status_code == 200


def test_detail_montre_chaque_ligne_ancien_nouveau(client_parent, famille):
    demande = demande_famille(famille, ville="LENS", commentaire="Nous avons déménagé.")
    texte = _texte(client_parent.get(reverse("demandes:detail", args=[demande.pk])))
    assert "Ville" in texte and "CARNIN" in texte and "LENS" in texte
    assert "Nous avons déménagé." in texte
    assert "Demande en attente de traitement." in texte


def test_detail_ligne_par_ligne_montre_le_statut_et_le_motif(client_parent, famille, agent):
    demande = demande_lignes(famille)
    cp = demande.lignes.get(champ="code_postal")
    demande_accepter(demande=demande, agent=agent, lignes_refusees={cp.pk: "Hors commune."})
    texte = _texte(client_parent.get(reverse("demandes:detail", args=[demande.pk])))
    assert "Résultat" in texte and "Hors commune." in texte and "Acceptée" in texte


def test_detail_et_suppression_d_une_autre_famille_renvoient_404(client_parent, autre_famille):
    demande = demande_famille(autre_famille)
    assert client_parent.get(reverse("demandes:detail", args=[demande.pk])).status_code == 404
    url = reverse("demandes:supprimer", args=[demande.pk])
    assert client_parent.get(url).status_code == 404
    assert client_parent.post(url).status_code == 404
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE


def test_un_agent_sans_famille_n_a_pas_d_historique(client, agent):
    client.force_login(agent)
    assert client.get(HISTORIQUE).status_code == 404


def test_anonyme_renvoye_vers_la_connexion(client, configuration):
    reponse = client.get(HISTORIQUE)
    assert reponse.status_code == 302 and reverse("account_login") in reponse["Location"]


def test_supprimer_demande_en_attente_avec_confirmation(client_parent, famille):
    demande = demande_famille(famille, resume="À supprimer")
    url = reverse("demandes:supprimer", args=[demande.pk])
    texte = _texte(client_parent.get(url))
    assert "Voulez-vous vraiment supprimer votre demande « À supprimer »" in texte
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE, "le GET ne supprime rien"
    reponse = client_parent.post(url, follow=True)
    assert "Votre demande « À supprimer » a été supprimée." in _texte(reponse)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ANNULEE
    assert client_parent.get(reverse("demandes:detail", args=[demande.pk])).status_code == 404


def test_une_demande_traitee_ne_peut_pas_etre_supprimee(client_parent, famille, agent):
    demande = demande_famille(famille)
    demande_accepter(demande=demande, agent=agent)
    url = reverse("demandes:supprimer", args=[demande.pk])
    for reponse in (client_parent.get(url, follow=True), client_parent.post(url, follow=True)):
        assert "Cette demande a déjà été traitée : elle ne peut plus être supprimée." in _texte(
            reponse
        )
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE


def test_menu_et_bloc_d_accueil(client_parent, famille, agent):
    demande_famille(famille)
    demande_famille(famille)
    demande_accepter(demande=demande_famille(famille), agent=agent)
    texte = _texte(client_parent.get(reverse("portail:accueil")))
    assert "Vous avez <strong>2 demandes en attente de traitement</strong>" in texte
    assert f'href="{HISTORIQUE}"' in texte
    assert ">Historique</a>" in texte


def test_bloc_d_accueil_sans_demande(client_parent):
    texte = _texte(client_parent.get(reverse("portail:accueil")))
    assert "Aucune demande en attente de traitement." in texte


def test_historique_filtre_mon_compte_mes_enfants_et_acceptees_refusees(
    client_parent, famille, agent
):
    compte = demande_famille(famille, type="responsable", resume="Nouvelle adresse de Jean")
    enfant = demande_famille(famille, type="sanitaire", resume="Allergie de Lise")
    absence = demande_famille(famille, type="absence", resume="Absence de Lise le 20/11")
    demande_refuser(demande=enfant, agent=agent, motif="Certificat du médecin manquant.")
    Demande.objects.filter(pk=compte.pk).update(
        statut=StatutDemande.ACCEPTEE,
        traite_le=datetime(2026, 11, 3, 9, tzinfo=PARIS),
        reponse="1 renseignement modifié",
    )
    Demande.objects.filter(pk=enfant.pk).update(
        cree_le=datetime(2026, 11, 1, 9, tzinfo=PARIS),
        traite_le=datetime(2026, 11, 4, 9, tzinfo=PARIS),
    )

    texte = _texte(client_parent.get(HISTORIQUE, {"rubrique": "compte"}))
    assert "Nouvelle adresse de Jean" in texte
    assert "Allergie de Lise" not in texte and "Absence de Lise" not in texte
    texte = _texte(client_parent.get(HISTORIQUE, {"rubrique": "enfants"}))
    assert "Allergie de Lise" in texte and "Absence de Lise" in texte
    assert "Nouvelle adresse de Jean" not in texte

    texte = _texte(client_parent.get(HISTORIQUE, {"statut": "refusee"}))
    assert '<h2 class="h5">Demandes refusées</h2>' in texte
    for entete in ("Date de la demande", "Date du refus", "Motif du refus"):
        assert f">{entete}</th>" in texte
    assert "<td>Allergie de Lise</td><td>01/11/2026</td><td>04/11/2026</td>" in texte
    assert "Certificat du médecin manquant." in texte and "Nouvelle adresse" not in texte
    texte = _texte(client_parent.get(HISTORIQUE, {"statut": "acceptee", "rubrique": "compte"}))
    assert ">Date d'acceptation</th>" in texte and "03/11/2026" in texte
    assert "Nouvelle adresse de Jean" in texte and "Allergie" not in texte
    assert absence.statut == StatutDemande.EN_ATTENTE
