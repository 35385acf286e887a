from django.urls import reverse

from demandes.models import Demande, StatutDemande
from familles import demo as demo_familles
from familles.models import Famille, Responsable
from familles.services import Changement, TypeRenseignement, renseignements_demander
from portail import demo as demo_portail


def test_demo_dupont_a_une_demande_traitee_une_seule_fois(db):
    demo_portail.charger()
    demo_familles.charger()
    demo_familles.charger()
    dupont = Famille.objects.get(numero="1001")
    assert Demande.objects.filter(famille=dupont).count() == 2
    demande = Demande.objects.get(
        famille=dupont, resume="Modification de 1 renseignement pour Jean"
    )
    assert demande.statut == StatutDemande.ACCEPTEE
    assert demande.reponse == "1 renseignement modifié (Profession)"
    assert demande.traite_par.username == "agent"
    jean = dupont.responsables.get(role="responsable")
    assert jean.profession == "Technicien de maintenance"
    assert jean.history.filter(history_user__isnull=False).first().history_user.username == "agent"


def test_demo_jeanne_a_fait_sa_propre_demande_avec_son_compte(db):
    demo_portail.charger()
    demo_familles.charger()
    jeanne = Responsable.objects.get(famille__numero="1001", role="conjoint")
    demande = Demande.objects.get(resume="Modification de 1 renseignement pour Jeanne")
    assert demande.cree_par == jeanne.compte
    assert demande.statut == StatutDemande.ACCEPTEE
    jeanne.refresh_from_db()
    assert jeanne.profession == "Infirmière"


def test_admin_famille_recherche_historique_et_iban_masque(client_agent, famille, jean):
    famille.iban = "FR7630006000011234567890189"
    famille.save()
    liste = client_agent.get(reverse("admin:familles_famille_changelist"), {"q": "Lise"})
    contenu = liste.content.decode()
    assert famille.numero in contenu
    assert "FR76 •••• •••• •••• •••• •••0 189" in contenu
    assert "FR7630006000011234567890189" not in contenu
    for url in [
        reverse("admin:familles_famille_change", args=[famille.pk]),
        reverse("admin:familles_famille_history", args=[famille.pk]),
        reverse("admin:familles_enfant_change", args=[famille.enfants.get().pk]),
        reverse("admin:familles_responsable_history", args=[jean.pk]),
        reverse("admin:familles_personneautorisee_changelist"),
    ]:
        assert client_agent.get(url).status_code == 200, url


def test_admin_historique_montre_qui_et_ancien_nouveau(client_agent, famille, jean, agent):
    from demandes.services import demande_accepter

    jean.profession = "Technicien"
    jean.save()
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.RESPONSABLE,
        cible=jean,
        personne="Jean",
        changements=[Changement(objet=jean, champ="profession", valeur="Infirmier")],
    )
    demande_accepter(demande=demande, agent=agent)
    page = client_agent.get(reverse("admin:familles_responsable_history", args=[jean.pk]))
    contenu = page.content.decode()
    assert agent.username in contenu
    assert "Technicien" in contenu
    assert "Infirmier" in contenu
    assert f"Demande n° {demande.pk}" in contenu


def test_admin_demande_avertit_si_la_valeur_a_change(client_agent, famille, jean):
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.RESPONSABLE,
        cible=jean,
        personne="Jean",
        changements=[Changement(objet=jean, champ="telephone_mobile", valeur="06 12 34 56 78")],
    )
    url = reverse("admin:demandes_demande_change", args=[demande.pk])
    assert "Attention" not in client_agent.get(url).content.decode()
    Responsable.objects.filter(pk=jean.pk).update(telephone_mobile="07 00 00 00 00")
    contenu = client_agent.get(url).content.decode()
    assert "la valeur actuelle est « 07 00 00 00 00 »" in contenu


def test_admin_accepter_applique_la_demande(client_agent, famille, jean):
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.RESPONSABLE,
        cible=jean,
        personne="Jean",
        changements=[Changement(objet=jean, champ="telephone_mobile", valeur="06 12 34 56 78")],
    )
    url = reverse("admin:demandes_demande_changelist")
    donnees = {"action": "accepter", "_selected_action": [demande.pk]}
    assert client_agent.post(url, donnees).status_code == 200  # page « Réponse à la famille »
    client_agent.post(url, {**donnees, "reponse": "", "confirmer": "1"})
    jean.refresh_from_db()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE, demande.statut
    assert jean.telephone_mobile == "06 12 34 56 78"
