"""Les messages côté agents : répondre, écrire à une famille, à toutes, à une activité."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demandes.emails import notifier_envoi_groupe
from demandes.models import Direction, Message
from demandes.services import message_diffuser
from familles.models import Famille, Responsable
from tests.factories import EnfantFactory, FamilleFactory
from tests.pieces.factories import ActiviteFactory, InscriptionFactory

from .factories_messages import MessageFactory

URL_ECRIRE = reverse("admin:demandes_message_ecrire")


def test_l_agent_lit_et_repond_a_une_famille(
    client_agent, famille, django_capture_on_commit_callbacks
):
    question = MessageFactory(
        famille=famille, direction=Direction.FAMILLE_VERS_MAIRIE, sujet="Question"
    )
    page = client_agent.get(reverse("admin:demandes_message_change", args=[question.pk]))
    assert page.status_code == 200
    question.refresh_from_db()
    assert question.lu_le is not None
    url = reverse("admin:demandes_message_repondre", args=[question.pk])
    assert 'value="Re : Question"' in client_agent.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_agent.post(url, {"sujet": "Re : Question", "texte": "Voici la réponse."})
    assert reponse.status_code == 302
    envoye = Message.objects.get(direction=Direction.MAIRIE_VERS_FAMILLE)
    assert envoye.parent == question and envoye.famille == famille
    assert [m.to for m in mail.outbox] == [[famille.email]]


def test_l_agent_ecrit_a_une_famille_par_son_numero(client_agent, famille, autre_famille):
    reponse = client_agent.post(
        URL_ECRIRE,
        {"audience": "famille", "numero_famille": famille.numero, "sujet": "S", "texte": "T"},
    )
    assert reponse.status_code == 302
    assert list(Message.objects.values_list("famille", flat=True)) == [famille.pk]


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        (
            {"audience": "famille", "numero_famille": "", "sujet": "S", "texte": "T"},
            "Indiquez le numéro",
        ),
        (
            {"audience": "famille", "numero_famille": "999999", "sujet": "S", "texte": "T"},
            "Aucune famille ne correspond",
        ),
        ({"audience": "inconnue", "sujet": "S", "texte": "T"}, "Sélectionnez un choix valide"),
        (
            {"audience": "activite", "valeur_activite": "", "sujet": "S", "texte": "T"},
            "Choisissez une valeur",
        ),
        ({"audience": "toutes", "sujet": "", "texte": "T"}, "Ce champ est obligatoire"),
    ],
)
def test_ecrire_aux_familles_entree_invalide(client_agent, famille, donnees, erreur):
    reponse = client_agent.post(URL_ECRIRE, donnees)
    assert reponse.status_code == 200
    assert erreur in reponse.content.decode()
    assert Message.objects.count() == 0


def test_ecrire_aux_familles_d_une_activite(client_agent, famille, autre_famille, db):
    cantine = ActiviteFactory(nom="CANTINE")
    garderie = ActiviteFactory(nom="GARDERIE")
    InscriptionFactory(enfant=famille.enfants.get(), activite=cantine)
    InscriptionFactory(enfant=autre_famille.enfants.get(), activite=garderie)
    # Deux enfants de la même famille à la cantine : un seul message pour la famille.
    InscriptionFactory(enfant=EnfantFactory(famille=famille, prenom="Paul"), activite=cantine)
    formulaire = client_agent.get(URL_ECRIRE).content.decode()
    assert "Les familles ayant un enfant inscrit à une activité" in formulaire
    reponse = client_agent.post(
        URL_ECRIRE,
        {"audience": "activite", "valeur_activite": str(cantine.pk), "sujet": "Menu", "texte": "T"},
    )
    assert reponse.status_code == 302
    assert list(Message.objects.values_list("famille", flat=True)) == [famille.pk]


def test_les_deux_foyers_d_un_enfant_en_garde_alternee_recoivent_le_message_de_l_activite(
    famille, autre_famille
):
    cantine = ActiviteFactory(nom="CANTINE")
    partage = EnfantFactory(famille=famille, prenom="Hugo", second_foyer=autre_famille)
    InscriptionFactory(enfant=partage, activite=cantine)
    etranger = FamilleFactory()
    message_diffuser(
        audience="activite", valeur=str(cantine.pk), sujet="Menu", texte="T", auteur=None
    )
    destinataires = set(Message.objects.values_list("famille", flat=True))
    assert destinataires == {famille.pk, autre_famille.pk}
    assert etranger.pk not in destinataires


def test_une_valeur_d_activite_trafiquee_est_refusee(famille):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        message_diffuser(audience="activite", valeur="999999", sujet="S", texte="T")
    assert Message.objects.count() == 0


def test_ecrire_avec_une_piece_jointe_partagee(client_agent, famille, autre_famille):
    pdf = SimpleUploadedFile("menu.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client_agent.post(
        URL_ECRIRE, {"audience": "toutes", "sujet": "Menu", "texte": "T", "piece_jointe": pdf}
    )
    chemins = set(Message.objects.values_list("piece_jointe", flat=True))
    assert len(chemins) == 1 and Message.objects.count() == 2
    (chemin,) = chemins
    url = reverse("admin:demandes_message_piece_jointe", args=[Message.objects.first().pk])
    assert client_agent.get(url).status_code == 200
    assert chemin.startswith("messages/")


def test_un_parent_n_accede_pas_aux_vues_agents(client_parent, famille):
    message = MessageFactory(famille=famille, piece_jointe="messages/x.pdf")
    for url in [
        URL_ECRIRE,
        reverse("admin:demandes_message_repondre", args=[message.pk]),
        reverse("admin:demandes_message_piece_jointe", args=[message.pk]),
    ]:
        reponse = client_parent.get(url)
        assert reponse.status_code == 302 and "/admin/login/" in reponse["Location"]


def test_diffusion_a_5000_familles_en_requetes_bornees(
    db, configuration, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    familles = Famille.objects.bulk_create(
        Famille(numero=f"9{i:05d}", nom=f"F{i}", email=f"f{i}@example.fr") for i in range(5000)
    )
    # Un adulte sur dix refuse les e-mails (l'accord est celui de l'adulte).
    Responsable.objects.bulk_create(
        Responsable(famille=f, nom=f.nom, prenom="Jean", accepte_email=i % 10 != 0)
        for i, f in enumerate(familles)
    )
    with django_assert_max_num_queries(12):
        nombre = message_diffuser(audience="toutes", sujet="Fermeture", texte="La mairie ferme.")
    assert nombre == 5000
    assert Message.objects.filter(sujet="Fermeture").count() == 5000
    assert Message.objects.values("famille").distinct().count() == 5000
    envoi = Message.objects.first().envoi
    # Les e-mails : une requête et une connexion SMTP pour tout l'envoi.
    with django_assert_max_num_queries(3):
        envoyes = notifier_envoi_groupe(envoi=str(envoi))
    assert envoyes == 4500
    assert len(mail.outbox) == 4500
    assert "Fermeture" in mail.outbox[0].subject


def test_diffusion_envoie_les_emails_apres_validation(
    famille, autre_famille, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_diffuser(audience="toutes", sujet="Info", texte="T")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([famille.email, autre_famille.email])


def test_famille_sans_compte_ni_email_recoit_le_message_sans_email(
    db, configuration, django_capture_on_commit_callbacks
):
    famille = FamilleFactory(compte=None, email="")
    with django_capture_on_commit_callbacks(execute=True):
        nombre = message_diffuser(audience="famille", valeur=famille.numero, sujet="S", texte="T")
    assert nombre == 1
    assert mail.outbox == []


def test_piece_jointe_trop_grosse_refusee_dans_l_admin(client_agent, famille):
    from portail.noyau.fichiers import TAILLE_MAX

    gros = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * TAILLE_MAX)
    reponse = client_agent.post(
        URL_ECRIRE,
        {"audience": "toutes", "sujet": "S", "texte": "T", "piece_jointe": gros},
    )
    assert "Le fichier dépasse 5 Mo" in reponse.content.decode()
    assert Message.objects.count() == 0


def test_ecrire_a_une_famille_pre_rempli_par_son_numero(client_agent, famille):
    page = client_agent.get(URL_ECRIRE + f"?numero={famille.numero}").content.decode()
    assert f'value="{famille.numero}"' in page
