"""La boîte de réception d'une famille : rubriques, lecture, réponse, suppression, e-mails."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demandes.models import Direction, Message, Rubrique
from demandes.selectors import boite_de_famille
from demandes.services import message_envoyer
from portail.noyau.configuration import vider_cache_configuration
from portail.noyau.fichiers import TAILLE_MAX
from tests.factories import compte_de

from .factories_messages import MessageFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(nom="attestation.pdf", contenu=PDF):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


@pytest.fixture
def message_mairie(famille):
    return MessageFactory(famille=famille, sujet="Sortie au musée")


def test_la_famille_ecrit_a_la_mairie_qui_recoit_un_email(
    client_parent, famille, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_parent.post(
            reverse("demandes:message_ecrire"),
            {
                "sujet": "Question facture",
                "texte": "Bonjour,\nune question.",
                "piece_jointe": _pdf(),
            },
        )
    assert reponse.status_code == 302
    message = Message.objects.get()
    assert (message.famille, message.direction) == (famille, Direction.FAMILLE_VERS_MAIRIE)
    assert message.nom_piece_jointe == "attestation.pdf"
    assert message.piece_jointe.name.startswith("messages/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["portail@example.fr"]
    assert "Question facture" in mail.outbox[0].subject
    assert famille.numero in mail.outbox[0].subject
    assert "une question." in mail.outbox[0].body
    envoyes = client_parent.get(reverse("demandes:messages") + "?rubrique=envoyes")
    assert "Question facture" in envoyes.content.decode()


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        ({"sujet": "  ", "texte": "x"}, "Ce champ est obligatoire."),
        ({"sujet": "Sujet", "texte": "   "}, "Ce champ est obligatoire."),
        (
            {"sujet": "Sujet", "texte": "x", "piece_jointe": _pdf("page.pdf", b"<html></html>")},
            "pages web",
        ),
        (
            {"sujet": "Sujet", "texte": "x", "piece_jointe": _pdf("a.exe", b"MZ\x90\x00")},
            "Seuls les fichiers pdf, jpg, jpeg ou png",
        ),
        (
            {
                "sujet": "Sujet",
                "texte": "x",
                "piece_jointe": _pdf("gros.pdf", PDF + b"0" * TAILLE_MAX),
            },
            "Le fichier dépasse 5 Mo",
        ),
    ],
)
def test_message_invalide_rien_n_est_envoye(client_parent, donnees, erreur):
    reponse = client_parent.post(reverse("demandes:message_ecrire"), donnees)
    assert reponse.status_code == 200
    assert erreur in reponse.content.decode()
    assert Message.objects.count() == 0
    assert mail.outbox == []


def test_lire_un_message_le_marque_lu_et_l_accueil_le_compte(
    client_parent, famille, message_mairie
):
    MessageFactory(famille=famille, sujet="Deuxième")
    accueil = client_parent.get(reverse("portail:accueil")).content.decode()
    assert "Vous avez <strong>2 nouveaux messages</strong>" in accueil
    page = client_parent.get(reverse("demandes:message", args=[message_mairie.pk]))
    assert "Sortie au musée" in page.content.decode()
    message_mairie.refresh_from_db()
    assert message_mairie.lu_le is not None
    premiere_lecture = message_mairie.lu_le
    client_parent.get(reverse("demandes:message", args=[message_mairie.pk]))
    message_mairie.refresh_from_db()
    assert message_mairie.lu_le == premiere_lecture
    accueil = client_parent.get(reverse("portail:accueil")).content.decode()
    assert "Vous avez <strong>1 nouveau message</strong>" in accueil


def nombre_non_lus(famille) -> int:
    return boite_de_famille(famille, Rubrique.RECUS)[1]


def test_les_messages_envoyes_par_la_famille_ne_comptent_pas_comme_non_lus(famille):
    MessageFactory(famille=famille, direction=Direction.FAMILLE_VERS_MAIRIE)
    assert nombre_non_lus(famille) == 0


def test_repondre_a_un_message_de_la_mairie(client_parent, famille, message_mairie):
    url = reverse("demandes:message_ecrire") + f"?reponse={message_mairie.pk}"
    formulaire = client_parent.get(url).content.decode()
    assert 'value="Re : Sortie au musée"' in formulaire
    client_parent.post(url, {"sujet": "Re : Sortie au musée", "texte": "Lise viendra."})
    reponse = Message.objects.get(direction=Direction.FAMILLE_VERS_MAIRIE)
    assert reponse.parent == message_mairie
    fil = client_parent.get(reverse("demandes:message", args=[message_mairie.pk])).content.decode()
    assert "Lise viendra." in fil


def test_supprimer_puis_restaurer(client_parent, famille, message_mairie):
    client_parent.post(reverse("demandes:message_supprimer", args=[message_mairie.pk]))
    message_mairie.refresh_from_db()
    assert message_mairie.supprime_le is not None
    recus = client_parent.get(reverse("demandes:messages")).content.decode()
    assert "Sortie au musée" not in recus
    supprimes = client_parent.get(reverse("demandes:messages") + "?rubrique=supprimes")
    assert "Sortie au musée" in supprimes.content.decode()
    # Un message supprimé non lu ne compte plus dans les nouveaux messages.
    assert nombre_non_lus(famille) == 0
    client_parent.post(reverse("demandes:message_restaurer", args=[message_mairie.pk]))
    message_mairie.refresh_from_db()
    assert message_mairie.supprime_le is None
    assert nombre_non_lus(famille) == 1


def test_supprimer_demande_un_post(client_parent, message_mairie):
    reponse = client_parent.get(reverse("demandes:message_supprimer", args=[message_mairie.pk]))
    assert reponse.status_code == 405


@pytest.mark.parametrize(
    ("url_name", "methode"),
    [
        ("demandes:message", "get"),
        ("demandes:message_supprimer", "post"),
        ("demandes:message_restaurer", "post"),
        ("demandes:message_piece_jointe", "get"),
    ],
)
def test_le_message_d_une_autre_famille_donne_404(client_parent, autre_famille, url_name, methode):
    etranger = MessageFactory(famille=autre_famille, piece_jointe="messages/x.pdf")
    reponse = getattr(client_parent, methode)(reverse(url_name, args=[etranger.pk]))
    assert reponse.status_code == 404
    etranger.refresh_from_db()
    assert etranger.lu_le is None and etranger.supprime_le is None


def test_repondre_au_message_d_une_autre_famille_donne_404(client_parent, autre_famille):
    etranger = MessageFactory(famille=autre_famille)
    url = reverse("demandes:message_ecrire") + f"?reponse={etranger.pk}"
    assert client_parent.get(url).status_code == 404
    assert client_parent.post(url, {"sujet": "x", "texte": "y"}).status_code == 404
    assert Message.objects.filter(direction=Direction.FAMILLE_VERS_MAIRIE).count() == 0


def test_les_rubriques_ne_montrent_que_la_famille(client_parent, famille, autre_famille):
    MessageFactory(famille=famille, sujet="Pour DUPONT")
    MessageFactory(famille=autre_famille, sujet="Pour MARTIN")
    page = client_parent.get(reverse("demandes:messages")).content.decode()
    assert "Pour DUPONT" in page and "Pour MARTIN" not in page


def test_piece_jointe_servie_a_la_famille_seulement(client, famille, autre_famille):
    message = message_envoyer(
        direction=Direction.MAIRIE_VERS_FAMILLE,
        famille=famille,
        sujet="Menu",
        texte="Le menu du mois.",
        piece_jointe=_pdf("menu.pdf"),
    )
    url = reverse("demandes:message_piece_jointe", args=[message.pk])
    assert client.get(url).status_code == 404  # anonyme
    client.force_login(compte_de(autre_famille))
    assert client.get(url).status_code == 404
    client.force_login(compte_de(famille))
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == 'attachment; filename="menu.pdf"'


def test_boite_coupee_par_l_interrupteur(client_parent, configuration, message_mairie):
    configuration.messages_actifs = False
    configuration.save()
    vider_cache_configuration()
    assert client_parent.get(reverse("demandes:messages")).status_code == 404
    assert (
        client_parent.get(reverse("demandes:message", args=[message_mairie.pk])).status_code == 404
    )
    accueil = client_parent.get(reverse("portail:accueil")).content.decode()
    assert "nouveau message" not in accueil
    assert reverse("demandes:messages") not in accueil


# --- E-mails à la famille --------------------------------------------------------------------


def test_la_mairie_ecrit_la_famille_recoit_un_email_si_elle_l_accepte(
    famille, autre_famille, django_capture_on_commit_callbacks
):
    autre_famille.responsables.update(accepte_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        message_envoyer(
            direction=Direction.MAIRIE_VERS_FAMILLE,
            famille=famille,
            sujet="Rappel",
            texte="Texte privé",
        )
        message_envoyer(
            direction=Direction.MAIRIE_VERS_FAMILLE,
            famille=autre_famille,
            sujet="Rappel",
            texte="Texte privé",
        )
    assert [m.to for m in mail.outbox] == [[famille.email]]
    assert "Rappel" in mail.outbox[0].subject
    # Le texte reste sur le portail : l'e-mail n'en donne que le sujet.
    assert "Texte privé" not in mail.outbox[0].body


# --- Nombre de requêtes ---------------------------------------------------------------------


@pytest.mark.parametrize("nombre", [1, 60])
def test_boite_en_nombre_fixe_de_requetes(
    client_parent, famille, nombre, django_assert_max_num_queries
):
    for i in range(nombre):
        MessageFactory(famille=famille, sujet=f"Info {i}")
        MessageFactory(famille=famille, direction=Direction.FAMILLE_VERS_MAIRIE)
    client_parent.get(reverse("demandes:messages"))
    with django_assert_max_num_queries(7):
        assert client_parent.get(reverse("demandes:messages")).status_code == 200
    message = Message.objects.filter(famille=famille).first()
    with django_assert_max_num_queries(8):
        assert client_parent.get(reverse("demandes:message", args=[message.pk])).status_code == 200


def test_un_double_clic_n_envoie_qu_un_message(client_parent, settings):
    donnees = {"sujet": "Question", "texte": "Bonjour"}
    assert client_parent.post(reverse("demandes:message_ecrire"), donnees).status_code == 302
    deuxieme = client_parent.post(reverse("demandes:message_ecrire"), donnees)
    assert "Ce message vient déjà d&#x27;être envoyé." in deuxieme.content.decode()
    assert Message.objects.count() == 1


def test_message_trop_long_refuse(client_parent):
    donnees = {"sujet": "Long", "texte": "x" * 5001}
    reponse = client_parent.post(reverse("demandes:message_ecrire"), donnees)
    assert "5000 caractères" in reponse.content.decode()
    assert Message.objects.count() == 0
