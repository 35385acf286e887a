import html
import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from familles.emails import identifiants_envoyer, mot_de_passe_temporaire
from familles.models import Responsable
from familles.tasks import expirer_mots_de_passe_temporaires
from portail.noyau.models import User
from tests.factories import FamilleFactory, ResponsableFactory, UserFactory, compte_de

NOUVEAU = "Mon-Nouveau-2026"


def famille_sans_compte(numero: str = "4001", email: str = "leroy@example.fr"):
    famille = FamilleFactory(numero=numero, nom="LEROY", compte=None, email=email)
    ResponsableFactory(famille=famille, prenom="Sophie", nom="LEROY", email="")
    return famille


def envoyer(*args: str, capture) -> str:
    sortie = StringIO()
    with capture(execute=True):
        call_command("envoyer_identifiants", *args, stdout=sortie, stderr=sortie)
    return sortie.getvalue()


def mot_de_passe_du_mail(message) -> str:
    trouve = re.search(r"Mot de passe temporaire : (\S+)", message.body)
    assert trouve, message.body
    return trouve.group(1)


def se_connecter(client, identifiant: str, mot_de_passe: str):
    return client.post(reverse("account_login"), {"login": identifiant, "password": mot_de_passe})


def test_le_mot_de_passe_temporaire_suit_la_regle_et_change_a_chaque_tirage():
    tirages = {mot_de_passe_temporaire() for _ in range(50)}
    assert len(tirages) == 50
    for mot_de_passe in tirages:
        assert len(mot_de_passe) == 12
        validate_password(mot_de_passe)


def test_nouvelle_famille_recoit_un_compte_et_ses_identifiants(
    db, configuration, django_capture_on_commit_callbacks, client
):
    famille = famille_sans_compte()

    sortie = envoyer("--nouvelles", capture=django_capture_on_commit_callbacks)

    famille.refresh_from_db()
    compte = compte_de(famille)
    assert compte is not None
    assert (compte.username, compte.email) == ("4001", "leroy@example.fr")
    assert (compte.first_name, compte.last_name) == ("Sophie", "LEROY")
    assert compte.doit_changer_mot_de_passe
    attendu = timezone.now() + timedelta(days=15)
    assert abs(compte.mot_de_passe_temporaire_expire_le - attendu) < timedelta(minutes=1)
    (message,) = mail.outbox
    assert message.to == ["leroy@example.fr"]
    assert message.subject == "Carnin (test) : vos identifiants du Portail Famille"
    assert "Identifiant : 4001" in message.body
    mot_de_passe = mot_de_passe_du_mail(message)
    assert mot_de_passe in message.alternatives[0][0]
    # Le mot de passe n'est affiché nulle part ailleurs et n'est stocké que haché.
    assert mot_de_passe not in sortie
    assert mot_de_passe not in compte.password
    assert compte.check_password(mot_de_passe)
    assert "1 compte(s) créé(s), 1 e-mail(s) mis en file d'envoi" in sortie

    # Première connexion : le changement de mot de passe est imposé.
    reponse = se_connecter(client, "4001", mot_de_passe)
    assert reponse.status_code == 302
    assert client.get(reverse("portail:accueil")).url == reverse("portail:premiere_connexion")
    reponse = client.post(
        reverse("portail:premiere_connexion"),
        {"nouveau_mot_de_passe": NOUVEAU, "confirmation": NOUVEAU, "accepte_cgu": "on"},
    )
    assert reponse.url == reverse("portail:accueil")
    compte.refresh_from_db()
    assert not compte.doit_changer_mot_de_passe
    assert compte.mot_de_passe_temporaire_expire_le is None
    assert compte.check_password(NOUVEAU)
    assert not compte.check_password(mot_de_passe)


def test_le_mot_de_passe_temporaire_expire_est_refuse(
    db, configuration, django_capture_on_commit_callbacks, client
):
    famille_sans_compte()
    envoyer("--nouvelles", capture=django_capture_on_commit_callbacks)
    mot_de_passe = mot_de_passe_du_mail(mail.outbox[0])

    with time_machine.travel(timezone.now() + timedelta(days=16)):
        reponse = se_connecter(client, "4001", mot_de_passe)
    assert reponse.status_code == 200
    assert "a expiré" in html.unescape(reponse.content.decode())
    assert "_auth_user_id" not in client.session


def test_la_tache_de_nuit_rend_inutilisables_les_mots_de_passe_expires(
    db, configuration, django_capture_on_commit_callbacks
):
    famille_sans_compte("4001", "a@example.fr")
    famille_sans_compte("4002", "b@example.fr")
    envoyer("--nouvelles", capture=django_capture_on_commit_callbacks)
    User.objects.filter(username="4002").update(
        mot_de_passe_temporaire_expire_le=timezone.now() - timedelta(minutes=1)
    )
    deja_actif = UserFactory(username="4003")  # son propre mot de passe, pas d'expiration

    assert expirer_mots_de_passe_temporaires.delay().get() == 1

    assert User.objects.get(username="4001").has_usable_password()
    assert not User.objects.get(username="4002").has_usable_password()
    deja_actif.refresh_from_db()
    assert deja_actif.has_usable_password()
    # Relancée, elle ne retouche rien.
    assert expirer_mots_de_passe_temporaires.delay().get() == 0


def test_sans_option_les_comptes_pas_encore_actives_recoivent_a_nouveau(
    db, configuration, django_capture_on_commit_callbacks
):
    famille_sans_compte("4001", "a@example.fr")
    en_attente = FamilleFactory(numero="4002", email="b@example.fr")
    User.objects.filter(pk=compte_de(en_attente).pk).update(doit_changer_mot_de_passe=True)
    FamilleFactory(numero="4003", email="c@example.fr")  # compte déjà utilisé

    sortie = envoyer(capture=django_capture_on_commit_callbacks)

    # Un compte existant reçoit à son adresse de connexion.
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.fr", "famille4002@example.fr"]
    assert "1 compte(s) créé(s), 2 e-mail(s)" in sortie


def test_nouvelles_ne_touche_pas_aux_comptes_existants(
    db, configuration, django_capture_on_commit_callbacks
):
    famille_sans_compte("4001", "a@example.fr")
    existante = FamilleFactory(numero="4002", email="b@example.fr")
    User.objects.filter(pk=compte_de(existante).pk).update(doit_changer_mot_de_passe=True)

    envoyer("--nouvelles", capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["a@example.fr"]]
    assert not User.objects.get(pk=compte_de(existante).pk).mot_de_passe_temporaire_expire_le


def test_une_famille_qui_a_perdu_son_mot_de_passe_en_recoit_un_nouveau(
    db, configuration, django_capture_on_commit_callbacks, mot_de_passe
):
    famille = FamilleFactory(numero="4005")
    envoyer("--famille", "4005", capture=django_capture_on_commit_callbacks)

    compte = User.objects.get(pk=compte_de(famille).pk)
    assert not compte.check_password(mot_de_passe)
    assert compte.check_password(mot_de_passe_du_mail(mail.outbox[0]))
    assert compte.doit_changer_mot_de_passe
    assert User.objects.count() == 1


def test_numero_inconnu_refuse(db, configuration):
    with pytest.raises(CommandError, match="Aucune famille n'a le numéro 999"):
        call_command("envoyer_identifiants", "--famille", "999")


def test_famille_et_nouvelles_sont_exclusives(db):
    with pytest.raises(CommandError):
        call_command("envoyer_identifiants", "--famille", "1", "--nouvelles")


def test_familles_sans_adresse_ou_en_conflit_ignorees_sans_rien_creer(
    db, configuration, django_capture_on_commit_callbacks
):
    famille_sans_compte("4001", "")
    UserFactory(username="agent", email="pris@example.fr")
    famille_sans_compte("4002", "PRIS@example.fr")
    UserFactory(username="4003", email="autre@example.fr")
    famille_sans_compte("4003", "x@example.fr")

    sortie = envoyer("--nouvelles", capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert Responsable.objects.filter(compte__isnull=False).count() == 0
    assert "La famille 4001 n'a pas d'adresse e-mail" in sortie
    assert "L'adresse pris@example.fr de la famille 4002 sert déjà à un autre compte" in sortie
    assert "Un compte « 4003 » existe déjà sans être lié à la famille 4003" in sortie
    assert "0 compte(s) créé(s), 0 e-mail(s) mis en file d'envoi, 3 famille(s) ignorée(s)" in sortie


def test_l_adresse_du_responsable_sert_a_defaut_de_celle_de_la_famille(
    db, configuration, django_capture_on_commit_callbacks
):
    famille = FamilleFactory(numero="4010", compte=None, email="")
    ResponsableFactory(famille=famille, email="Parent@Example.fr")
    envoyer("--famille", "4010", capture=django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["parent@example.fr"]


def test_l_essai_ne_cree_rien_et_n_envoie_rien(
    db, configuration, django_capture_on_commit_callbacks
):
    famille_sans_compte()
    sortie = envoyer("--nouvelles", "--essai", capture=django_capture_on_commit_callbacks)
    assert "4001 LEROY : compte à créer, envoi à leroy@example.fr" in sortie
    assert "Essai (rien n'a été créé ni envoyé) : 1 compte(s) à créer" in sortie
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_si_l_envoi_echoue_le_mot_de_passe_n_est_pas_change(
    db, configuration, settings, mot_de_passe
):
    famille = FamilleFactory(numero="4020")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # aucun serveur : OSError
    with pytest.raises(OSError):
        identifiants_envoyer(compte_id=compte_de(famille).pk)
    compte = User.objects.get(pk=compte_de(famille).pk)
    assert compte.check_password(mot_de_passe)
    assert not compte.doit_changer_mot_de_passe


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_tire_et_envoie_le_mot_de_passe(celery_worker_reel, configuration):
    famille_sans_compte()
    sortie = StringIO()
    call_command("envoyer_identifiants", "--nouvelles", stdout=sortie)
    assert mail.outbox == []  # rien d'envoyé par la commande elle-même

    (message,) = celery_worker_reel.attendre_emails(1)
    assert message.destinataires == ["leroy@example.fr"]
    assert message.sujet == "Carnin (test) : vos identifiants du Portail Famille"
    trouve = re.search(r"Mot de passe temporaire : (\S+)", message.texte)
    assert trouve
    mot_de_passe = trouve.group(1)
    assert mot_de_passe not in sortie.getvalue()
    compte = User.objects.get(username="4001")
    assert compte.check_password(mot_de_passe)
    assert compte.doit_changer_mot_de_passe
    assert compte.mot_de_passe_temporaire_expire_le is not None


def test_deux_familles_avec_la_meme_adresse_une_seule_recoit(
    db, configuration, django_capture_on_commit_callbacks
):
    famille_sans_compte("4001", "commune@example.fr")
    famille_sans_compte("4002", "commune@example.fr")
    sortie = envoyer("--nouvelles", capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["commune@example.fr"]]
    assert User.objects.get().username == "4001"
    assert "L'adresse commune@example.fr de la famille 4002 sert déjà" in sortie


def test_le_lien_au_compte_est_historise(db, configuration, django_capture_on_commit_callbacks):
    famille = famille_sans_compte()
    envoyer("--nouvelles", capture=django_capture_on_commit_callbacks)
    derniere = famille.responsables.get().history.latest()
    assert derniere.compte_id == User.objects.get(username="4001").pk
    assert derniere.history_change_reason == "Compte créé par envoyer_identifiants"


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_familles(db, configuration):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from familles.services import comptes_preparer

    mesures = []
    for debut, nombre in ((100, 2), (200, 40)):
        ids = [
            famille_sans_compte(str(debut + i), f"f{debut + i}@example.fr").pk
            for i in range(nombre)
        ]
        with CaptureQueriesContext(connection) as requetes:
            lot = comptes_preparer(famille_ids=ids)
        assert len(lot.preparees) == nombre
        mesures.append(len(requetes))
    assert mesures[0] == mesures[1]


def test_apres_la_tache_de_nuit_le_mot_de_passe_oublie_reste_possible(
    db, configuration, django_capture_on_commit_callbacks, client
):
    famille_sans_compte()
    envoyer("--nouvelles", capture=django_capture_on_commit_callbacks)
    temporaire = mot_de_passe_du_mail(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=16)):
        assert expirer_mots_de_passe_temporaires.delay().get() == 1
        se_connecter(client, "4001", temporaire)
        assert "_auth_user_id" not in client.session
        mail.outbox.clear()
        client.post(reverse("account_reset_password"), {"email": "leroy@example.fr"})
    (message,) = mail.outbox
    assert "/compte/password/reset/key/" in message.body


def test_nouvelles_ne_renvoie_pas_a_un_compte_cree_entre_temps(
    db, configuration, django_capture_on_commit_callbacks
):
    from familles.services import comptes_preparer

    famille = famille_sans_compte()
    with django_capture_on_commit_callbacks(execute=True):
        comptes_preparer(famille_ids=[famille.pk])
        # Une seconde commande avait choisi la famille avant que son compte n'existe.
        lot = comptes_preparer(famille_ids=[famille.pk], seulement_sans_compte=True)
    assert lot.preparees == []
    assert len(mail.outbox) == 1
