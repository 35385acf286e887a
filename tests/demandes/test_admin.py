"""Le traitement des demandes par les agents dans l'admin."""

import html

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from demandes.models import Demande, StatutDemande, StatutLigne
from demandes.services import Ligne, demande_accepter
from tests.factories import UserFactory

from .factories import demande_famille, demande_lignes

LISTE = reverse("admin:demandes_demande_changelist")


def _action(client, action, demandes, **extra):
    donnees = {"action": action, "_selected_action": [d.pk for d in demandes], **extra}
    return client.post(LISTE, donnees, follow="confirmer" in extra)


def _agent_avec(*codenames):
    user = UserFactory(username=f"agent-{'-'.join(codenames) or 'rien'}", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="demandes", codename__in=codenames)
    )
    return user


def test_liste_montre_les_demandes_en_attente_d_abord(client_agent, famille, agent):
    traitee = demande_famille(famille, resume="Ancienne demande traitée")
    demande_accepter(demande=traitee, agent=agent)
    Demande.objects.filter(pk=traitee.pk).update(cree_le=traitee.cree_le.replace(year=2030))
    attente = demande_famille(famille, resume="Demande à traiter")
    reponse = client_agent.get(LISTE)
    assert reponse.status_code == 200
    resultats = list(reponse.context["cl"].result_list)
    assert resultats[0] == attente
    contenu = reponse.content.decode()
    assert "Accepter les demandes sélectionnées" in contenu
    assert "Refuser les demandes sélectionnées" in contenu
    assert "Informations famille (test)" in contenu


def test_liste_filtre_par_type_statut_et_recherche(client_agent, famille, autre_famille):
    d1 = demande_famille(famille)
    d2 = demande_lignes(autre_famille)
    assert list(client_agent.get(LISTE, {"type": "test_lignes"}).context["cl"].result_list) == [d2]
    assert list(
        client_agent.get(LISTE, {"statut__exact": "en_attente", "type": "test_famille"})
        .context["cl"]
        .result_list
    ) == [d1]
    recherche = client_agent.get(LISTE, {"q": autre_famille.numero}).context["cl"].result_list
    assert list(recherche) == [d2]
    assert list(client_agent.get(LISTE, {"q": "MARTIN"}).context["cl"].result_list) == [d2]


@pytest.mark.parametrize("nombre", [1, 60])
def test_liste_en_nombre_fixe_de_requetes(
    client_agent, famille, nombre, django_assert_max_num_queries
):
    for _ in range(nombre):
        demande_famille(famille)
    with django_assert_max_num_queries(12):
        assert client_agent.get(LISTE).status_code == 200


def test_accepter_passe_par_la_page_de_reponse_puis_applique(client_agent, famille):
    demande = demande_famille(famille, ville="LENS")
    page = _action(client_agent, "accepter", [demande])
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "Réponse à la famille" in contenu and "Confirmer" in contenu
    famille.refresh_from_db()
    assert famille.ville == "CARNIN", "rien n'est appliqué avant la confirmation"

    reponse = _action(client_agent, "accepter", [demande], confirmer="Confirmer", reponse="")
    assert "1 demande acceptée." in reponse.content.decode()
    demande.refresh_from_db()
    famille.refresh_from_db()
    assert famille.ville == "LENS"
    assert demande.statut == StatutDemande.ACCEPTEE
    assert demande.reponse == "1 renseignement modifié"
    assert demande.traite_par.username == "admin-test"
    assert demande.traite_le is not None


def test_accepter_plusieurs_dont_une_deja_traitee(client_agent, famille, autre_famille, agent):
    deja = demande_famille(famille, ville="ARRAS", resume="Déjà faite")
    demande_accepter(demande=deja, agent=agent)
    d1 = demande_famille(famille, ville="LENS")
    d2 = demande_famille(autre_famille, ville="DOUAI")
    reponse = _action(
        client_agent, "accepter", [deja, d1, d2], confirmer="Confirmer", reponse="C'est fait."
    )
    contenu = reponse.content.decode()
    assert "« Déjà faite » : La demande « Déjà faite » a déjà été traitée (acceptée)." in contenu
    assert "2 demandes acceptées." in contenu
    famille.refresh_from_db()
    autre_famille.refresh_from_db()
    assert (famille.ville, autre_famille.ville) == ("LENS", "DOUAI")
    assert Demande.objects.get(pk=d2.pk).reponse == "C'est fait."


def test_une_erreur_d_application_n_empeche_pas_les_autres(client_agent, famille):
    mauvaise = demande_famille(
        famille,
        resume="Champ interdit",
        lignes=[Ligne(libelle="Numéro", champ="numero", nouvelle_valeur="1")],
    )
    bonne = demande_famille(famille, ville="LENS")
    reponse = _action(client_agent, "accepter", [mauvaise, bonne], confirmer="Confirmer")
    contenu = reponse.content.decode()
    assert "« Champ interdit » : Le champ « numero » ne peut pas être modifié." in contenu
    assert "1 demande acceptée." in contenu
    mauvaise.refresh_from_db()
    assert mauvaise.statut == StatutDemande.EN_ATTENTE
    assert mauvaise.lignes.get().statut == StatutLigne.EN_ATTENTE
    famille.refresh_from_db()
    assert famille.numero != "1" and famille.ville == "LENS"


def test_refuser_sans_motif_est_refuse(client_agent, famille):
    demande = demande_famille(famille)
    reponse = _action(client_agent, "refuser", [demande], confirmer="Confirmer", reponse="   ")
    assert reponse.status_code == 200
    assert "Indiquez le motif du refus : la famille le lira." in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE


def test_refuser_plusieurs_avec_motif_ne_change_rien(client_agent, famille, autre_famille):
    d1 = demande_famille(famille, ville="LENS")
    d2 = demande_famille(autre_famille, ville="LENS")
    reponse = _action(
        client_agent, "refuser", [d1, d2], confirmer="Confirmer", reponse="Justificatif manquant."
    )
    assert "2 demandes refusées." in reponse.content.decode()
    for demande, f in ((d1, famille), (d2, autre_famille)):
        demande.refresh_from_db()
        f.refresh_from_db()
        assert demande.statut == StatutDemande.REFUSEE
        assert demande.reponse == "Justificatif manquant."
        assert f.ville == "CARNIN"
        assert demande.lignes.get().statut == StatutLigne.REFUSEE


def test_page_de_la_demande_montre_les_lignes_et_avertit_d_une_valeur_changee(
    client_agent, famille
):
    demande = demande_famille(famille, ville="LENS")
    url = reverse("admin:demandes_demande_change", args=[demande.pk])
    contenu = client_agent.get(url).content.decode()
    assert "Modifications demandées" in contenu
    assert "CARNIN" in contenu and "LENS" in contenu
    assert "a été modifiée depuis" not in contenu
    assert 'name="_save"' not in contenu, "les données de la famille sont en lecture seule"
    assert reverse("admin:demandes_demande_accepter", args=[demande.pk]) in contenu

    famille.ville = "DOUAI"
    famille.save()
    contenu = client_agent.get(url).content.decode()
    assert "la valeur actuelle est « DOUAI », la famille avait vu « CARNIN »" in contenu
    assert "1 valeur a changé depuis l'envoi de la demande" in contenu


def test_accepter_et_refuser_depuis_la_page_de_la_demande(client_agent, famille):
    d1 = demande_famille(famille, ville="LENS")
    d2 = demande_famille(famille, ville="DOUAI")
    url = reverse("admin:demandes_demande_accepter", args=[d1.pk])
    assert "Confirmer" in client_agent.get(url).content.decode()
    reponse = client_agent.post(url, {"confirmer": "Confirmer", "reponse": ""})
    assert reponse.status_code == 302
    url_refus = reverse("admin:demandes_demande_refuser", args=[d2.pk])
    assert (
        client_agent.post(url_refus, {"confirmer": "Confirmer", "reponse": ""}).status_code == 200
    )
    client_agent.post(url_refus, {"confirmer": "Confirmer", "reponse": "Adresse inconnue."})
    d1.refresh_from_db()
    d2.refresh_from_db()
    famille.refresh_from_db()
    assert (d1.statut, d2.statut, famille.ville) == ("acceptee", "refusee", "LENS")


def test_traiter_ligne_par_ligne(client_agent, famille):
    demande = demande_lignes(famille)
    ville, cp = demande.lignes.order_by("ordre")
    change = client_agent.get(reverse("admin:demandes_demande_change", args=[demande.pk]))
    url = reverse("admin:demandes_demande_traiter", args=[demande.pk])
    assert url in change.content.decode() and "Traiter ligne par ligne" in change.content.decode()
    assert "Valeur en base : 59112" in change.content.decode(), "infos_lignes sur la page"
    page = client_agent.get(url).content.decode()
    assert "Valeur en base : CARNIN" in page and "Valider le traitement" in page

    # Refuser une ligne sans motif : rien n'est fait.
    donnees = {f"decision_{ville.pk}": "accepter", f"decision_{cp.pk}": "refuser"}
    reponse = client_agent.post(url, donnees)
    assert "Indiquez le motif du refus : la famille le lira." in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE

    donnees[f"motif_{cp.pk}"] = "Code postal hors commune."
    assert client_agent.post(url, donnees).status_code == 302
    demande.refresh_from_db()
    famille.refresh_from_db()
    ville.refresh_from_db()
    cp.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE
    assert (famille.ville, famille.code_postal) == ("LENS", "59112")
    assert (ville.statut, cp.statut, cp.motif) == (
        "acceptee",
        "refusee",
        "Code postal hors commune.",
    )
    # Une seconde validation (double clic) ne refait rien.
    client_agent.post(url, donnees)
    assert demande.lignes.filter(statut="refusee").count() == 1


def test_traiter_ligne_par_ligne_decision_trafiquee(client_agent, famille):
    demande = demande_lignes(famille)
    ville, cp = demande.lignes.order_by("ordre")
    url = reverse("admin:demandes_demande_traiter", args=[demande.pk])
    reponse = client_agent.post(
        url, {f"decision_{ville.pk}": "supprimer", f"decision_{cp.pk}": "accepter"}
    )
    assert "Choisissez d'accepter ou de refuser cette ligne." in html.unescape(
        reponse.content.decode()
    )
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE


def test_traiter_ligne_par_ligne_refuse_un_type_global(client_agent, famille):
    demande = demande_famille(famille)
    reponse = client_agent.get(
        reverse("admin:demandes_demande_traiter", args=[demande.pk]), follow=True
    )
    assert "Cette demande ne se traite pas ligne par ligne." in reponse.content.decode()


def test_un_agent_sans_droit_de_modification_ne_traite_pas(client, famille):
    demande = demande_famille(famille, ville="LENS")
    client.force_login(_agent_avec("view_demande"))
    assert client.get(LISTE).status_code == 200
    assert "Accepter les demandes sélectionnées" not in client.get(LISTE).content.decode()
    _action(client, "accepter", [demande], confirmer="Confirmer")
    for nom in ("accepter", "refuser", "traiter"):
        url = reverse(f"admin:demandes_demande_{nom}", args=[demande.pk])
        assert client.post(url, {"confirmer": "Confirmer", "reponse": "x"}).status_code == 403
    demande.refresh_from_db()
    famille.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE and famille.ville == "CARNIN"


def test_un_agent_avec_droit_de_modification_traite(client, famille):
    demande = demande_famille(famille, ville="LENS")
    client.force_login(_agent_avec("view_demande", "change_demande"))
    _action(client, "accepter", [demande], confirmer="Confirmer")
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE


def test_la_page_de_reponse_signale_les_demandes_dont_une_valeur_a_change(client_agent, famille):
    perimee = demande_famille(famille, ville="LENS", resume="Périmée")
    famille.ville = "DOUAI"
    famille.save()
    a_jour = demande_famille(famille, ville="ARRAS", resume="À jour")
    contenu = _action(client_agent, "accepter", [perimee, a_jour]).content.decode()
    assert contenu.count("une valeur a changé depuis l'envoi de cette demande") == 1
    lien = reverse("admin:demandes_demande_change", args=[perimee.pk])
    assert f'<a href="{lien}">vérifiez-la</a>' in contenu
    assert "Accepter les demandes sélectionnées" in contenu


def test_liste_titre_en_francais(client_agent):
    assert "<h1>Demandes des familles</h1>" in client_agent.get(LISTE).content.decode()


def test_filtre_par_personne_concernee(client_agent, famille):
    lise = demande_famille(famille, personne="Lise DUPONT")
    demande_famille(famille, personne="Jean DUPONT")
    reponse = client_agent.get(LISTE, {"personne": "Lise DUPONT"})
    assert list(reponse.context["cl"].result_list) == [lise]
    assert "Jean DUPONT" in reponse.content.decode(), "le filtre propose les autres personnes"


def test_la_page_de_la_demande_montre_la_fiche_concernee(client_agent, famille):
    demande = demande_famille(famille, cible=famille)
    contenu = client_agent.get(
        reverse("admin:demandes_demande_change", args=[demande.pk])
    ).content.decode()
    assert "Fiche concernée" in contenu and str(famille) in contenu


def test_le_groupe_agent_peut_traiter(client, famille, agent):
    demande = demande_famille(famille, ville="LENS")
    client.force_login(agent)
    _action(client, "accepter", [demande], confirmer="Confirmer")
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE
    assert demande.traite_par == agent


def test_le_traitement_est_trace_dans_l_historique_de_l_admin(client_agent, famille):
    from django.contrib.admin.models import LogEntry

    demande = demande_famille(famille)
    _action(client_agent, "refuser", [demande], confirmer="Confirmer", reponse="Incomplet.")
    entree = LogEntry.objects.get(object_id=str(demande.pk))
    assert entree.user.username == "admin-test"
    assert "Refusée : Incomplet." in entree.get_change_message()
