import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from demandes.models import Demande, StatutDemande
from familles.models import PersonneAutorisee, Role
from familles.services import MESSAGE_DOUBLON
from familles.views import MESSAGE_AUCUNE, MESSAGE_ENVOYEE
from portail.noyau.configuration import vider_cache_configuration
from tests.factories import compte_de

from ..factories import EnfantFactory
from .conftest import grande_famille
from .outils import donnees_du_formulaire

PAGES = ["familles:renseignements", "familles:mon_compte", "familles:mes_enfants"]


def _url_adulte(adulte):
    return reverse("familles:modifier_adulte", args=[adulte.pk])


# --- Pages ---------------------------------------------------------------------------


def test_renseignements_une_carte_par_personne(client_parent, famille, jean, lise):
    jean.telephone_domicile = "03 01 02 03 04"
    jean.save()
    lise.adresse_de = jean
    lise.save()
    page = client_parent.get(reverse("familles:renseignements")).content.decode()
    assert "Vous pouvez consulter et modifier ici les renseignements sur votre famille." in page
    assert f"{lise.age} ans" in page
    assert "03 01 02 03 04" in page
    assert "1 rue de la République 59112 CARNIN (L'adresse de Jean)" in page
    assert page.count(">Modifier<") == 2
    assert "Modification en attente" not in page


def test_mon_compte_blocs_haisnes_et_iban_masque(client_parent, famille, jean):
    famille.iban = "FR7630006000011234567890189"
    famille.bic = "AGRIFRPP"
    famille.quotient_familial = 650
    famille.save()
    page = client_parent.get(reverse("familles:mon_compte")).content.decode()
    for titre in [
        "Infos Responsable",
        "Informations Conjoint",
        "Informations Fiscales",
        "Informations Caf",
        "Coordonnées Bancaires",
    ]:
        assert titre in page
    assert famille.numero in page
    assert "FR76 •••• •••• •••• •••• •••0 189" in page
    assert "FR7630006000011234567890189" not in page
    assert "Ajouter un conjoint" in page
    formulaire = client_parent.get(
        reverse("familles:modifier_famille", args=["bancaires"])
    ).content.decode()
    assert "FR7630006000011234567890189" not in formulaire
    assert "AGRIFRPP" not in formulaire


def test_mes_enfants_identite_sante_autorisations(client_parent, famille, lise, mamie):
    lise.allergies = "Arachide"
    lise.save()
    page = client_parent.get(reverse("familles:mes_enfants")).content.decode()
    assert "Arachide" in page
    assert "Martine DURAND (Grand-mère)" in page
    assert "Ajouter un enfant" in page


def test_mes_enfants_lien_vers_la_fiche_d_inscription_pre_remplie(client_parent, famille, lise):
    paul = EnfantFactory(famille=famille, prenom="Paul", nom="DUPONT")
    page = client_parent.get(reverse("familles:mes_enfants")).content.decode()
    for enfant in (lise, paul):
        url = reverse("pieces:fiche_inscription", args=[enfant.pk])
        assert (
            f'<a href="{url}">Fiche d\'inscription pré-remplie<span class="visually-hidden"> '
            f"de {enfant.prenom}</span> (PDF)</a>"
        ) in page
    reponse = client_parent.get(reverse("pieces:fiche_inscription", args=[paul.pk]))
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"


def test_mes_enfants_sans_lien_de_fiche_quand_les_pieces_sont_coupees(
    client_parent, configuration, lise
):
    configuration.pieces_actives = False
    configuration.save()
    vider_cache_configuration()
    page = client_parent.get(reverse("familles:mes_enfants")).content.decode()
    assert "Lise DUPONT" in page
    assert reverse("pieces:fiche_inscription", args=[lise.pk]) not in page


@pytest.mark.parametrize("nom", PAGES)
def test_pages_sans_famille_404(client, agent, nom):
    client.force_login(agent)
    assert client.get(reverse(nom)).status_code == 404


@pytest.mark.parametrize("nom", PAGES)
def test_pages_anonyme_vers_connexion(client, configuration, nom):
    assert client.get(reverse(nom)).status_code == 302


@pytest.mark.parametrize("nom", PAGES)
def test_pages_en_nombre_fixe_de_requetes(
    client, configuration, django_assert_max_num_queries, nom
):
    """1 enfant ou 6 enfants (personnes autorisées, demandes en attente) : mêmes requêtes."""
    petite, grande = grande_famille(1), grande_famille(6)
    client.force_login(compte_de(petite))
    client.get(reverse(nom))  # configuration mise en cache
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(reverse(nom)).status_code == 200
    assert len(requetes) <= 12
    client.force_login(compte_de(grande))
    with django_assert_max_num_queries(len(requetes)):
        reponse = client.get(reverse(nom))
    if nom != "familles:mon_compte":
        assert len(reponse.context["dossier"].enfants) == 6


# --- Frontière de la famille ----------------------------------------------------------


def _urls_d_une_autre_famille(autre_famille):
    claire = autre_famille.responsables.get()
    hugo = autre_famille.enfants.get()
    return [
        _url_adulte(claire),
        reverse("familles:modifier_enfant", args=[hugo.pk]),
        reverse("familles:modifier_sanitaire", args=[hugo.pk]),
        reverse("familles:modifier_autorisations", args=[hugo.pk]),
    ]


def test_fiches_d_une_autre_famille_404(client_parent, autre_famille):
    for url in _urls_d_une_autre_famille(autre_famille):
        assert client_parent.get(url).status_code == 404, url
        reponse = client_parent.post(url, {"nom": "PIRATE", "prenom": "Pirate", "allergies": "x"})
        assert reponse.status_code == 404, url
    assert not Demande.objects.exists()


def test_bloc_inconnu_404(client_parent):
    assert client_parent.get("/renseignements/famille/compte/modifier/").status_code == 404


def test_enfant_inactif_404(client_parent, famille):
    parti = EnfantFactory(famille=famille, prenom="Parti", actif=False)
    assert (
        client_parent.get(reverse("familles:modifier_enfant", args=[parti.pk])).status_code == 404
    )


def test_ajouter_un_conjoint_quand_il_existe_404(client_parent, conjoint):
    assert client_parent.get(reverse("familles:ajouter_conjoint")).status_code == 404


# --- Envoi d'un formulaire ------------------------------------------------------------


def test_modifier_le_mobile_cree_une_demande_sans_changer_la_fiche(client_parent, famille, jean):
    url = _url_adulte(jean) + "?suite=renseignements"
    formulaire = client_parent.get(url)
    assert formulaire.context["form"]["prenom"].value() == "Jean"
    donnees = donnees_du_formulaire(
        formulaire, telephone_mobile="06.12.34.56.78", commentaire="Nouveau numéro"
    )
    reponse = client_parent.post(url, donnees, follow=True)
    assert reponse.redirect_chain[-1][0] == reverse("familles:renseignements")
    assert escape(MESSAGE_ENVOYEE) in reponse.content.decode()
    assert "Modification en attente de validation par l'administrateur" in (
        reponse.content.decode()
    )
    demande = Demande.objects.get()
    assert (demande.type, demande.resume, demande.commentaire, demande.cible) == (
        "responsable",
        "Modification de 1 renseignement pour Jean",
        "Nouveau numéro",
        jean,
    )
    ligne = demande.lignes.get()
    assert (ligne.libelle, ligne.ancienne_valeur, ligne.nouvelle_valeur) == (
        "Téléphone mobile",
        "",
        "06 12 34 56 78",
    )
    jean.refresh_from_db()
    assert jean.telephone_mobile == ""


def test_formulaire_sans_changement_ne_cree_rien(client_parent, jean):
    url = _url_adulte(jean)
    reponse = client_parent.post(url, donnees_du_formulaire(client_parent.get(url)))
    assert reponse.status_code == 200
    assert escape(MESSAGE_AUCUNE) in reponse.content.decode()
    assert not Demande.objects.exists()


def test_responsable_principal_modifie_l_adresse_de_la_famille(client_parent, famille, jean):
    url = _url_adulte(jean)
    donnees = donnees_du_formulaire(client_parent.get(url), adresse="3 rue Neuve", accepte_sms=True)
    client_parent.post(url, donnees)
    demande = Demande.objects.get()
    assert [(ligne.libelle, ligne.donnees["modele"]) for ligne in demande.lignes.all()] == [
        ("Adresse", "familles.famille"),
        ("Accepte les SMS", "familles.responsable"),
    ]


def test_modifier_sanitaire_et_identite_d_un_enfant(client_parent, famille, jean, lise):
    url = reverse("familles:modifier_sanitaire", args=[lise.pk])
    donnees = donnees_du_formulaire(
        client_parent.get(url), allergies="Gluten", pai=True, pai_details="Trousse"
    )
    assert client_parent.post(url, donnees).status_code == 302
    url = reverse("familles:modifier_enfant", args=[lise.pk])
    donnees = donnees_du_formulaire(
        client_parent.get(url), adresse_de=str(jean.pk), classe="CE2", lunettes=True
    )
    assert client_parent.post(url, donnees).status_code == 302
    sanitaire, identite = Demande.objects.order_by("id")
    assert (sanitaire.type, sanitaire.resume) == (
        "sanitaire",
        "Modification de 3 renseignements pour Lise",
    )
    assert (identite.type, identite.resume) == (
        "enfants",
        "Modification de 3 renseignements pour Lise",
    )
    assert "L'adresse de Jean" in identite.lignes.values_list("nouvelle_valeur", flat=True)
    page = client_parent.get(reverse("familles:mes_enfants")).content.decode()
    assert page.count("Modification en attente de validation") == 2


def test_fiscales_caf_bancaires(client_parent, famille):
    for bloc, modifications in [
        ("fiscales", {"numero_fiscal": "1234567890123", "revenu_fiscal": "25000,50"}),
        ("caf", {"regime": "caf", "numero_allocataire": "1234567", "quotient_familial": "650"}),
        ("bancaires", {"iban": "fr76 3000 6000 0112 3456 7890 189", "bic": "agrifrpp"}),
    ]:
        url = reverse("familles:modifier_famille", args=[bloc])
        reponse = client_parent.post(
            url, donnees_du_formulaire(client_parent.get(url), **modifications)
        )
        assert reponse.status_code == 302, reponse.context["form"].errors
    fiscales, caf, bancaires = Demande.objects.order_by("id")
    assert [d.type for d in (fiscales, caf, bancaires)] == ["fiscales", "caf", "bancaires"]
    assert fiscales.resume == "Modification de 2 renseignements pour la famille DUPONT"
    iban = bancaires.lignes.get(champ="iban")
    assert iban.donnees["valeur"] == "FR7630006000011234567890189"
    assert "FR7630006000011234567890189" not in iban.nouvelle_valeur
    page = client_parent.get(reverse("familles:mon_compte")).content.decode()
    assert page.count("Modification en attente de validation") == 3


def test_iban_laisse_vide_reste_inchange(client_parent, famille):
    famille.iban = "FR7630006000011234567890189"
    famille.save()
    url = reverse("familles:modifier_famille", args=["bancaires"])
    client_parent.post(url, donnees_du_formulaire(client_parent.get(url), prelevement=True))
    assert list(Demande.objects.get().lignes.values_list("champ", flat=True)) == ["prelevement"]


def test_ajouter_un_enfant(client_parent, famille, jean):
    url = reverse("familles:ajouter_enfant")
    formulaire = client_parent.get(url)
    assert formulaire.context["form"]["nom"].value() == "DUPONT"
    donnees = donnees_du_formulaire(
        formulaire, prenom="Paul", sexe="M", date_naissance="2021-06-01", adresse_de=str(jean.pk)
    )
    reponse = client_parent.post(url, donnees, follow=True)
    assert escape(MESSAGE_ENVOYEE) in reponse.content.decode()
    demande = Demande.objects.get()
    assert (demande.type, demande.resume) == ("enfants", "Ajout de l'enfant Paul")
    assert escape("Ajout de l'enfant Paul : demande en attente") in reponse.content.decode()
    assert famille.enfants.count() == 1


def test_ajouter_un_conjoint(client_parent, famille):
    url = reverse("familles:ajouter_conjoint")
    donnees = donnees_du_formulaire(
        client_parent.get(url), nom="DUPONT", prenom="Jeanne", telephone_mobile="0601020304"
    )
    assert client_parent.post(url, donnees).status_code == 302
    demande = Demande.objects.get()
    assert (demande.type, demande.resume) == ("conjoint", "Ajout du conjoint Jeanne")
    assert not famille.responsables.filter(role=Role.CONJOINT).exists()


def test_autorisations_ajout_modification_suppression(client_parent, famille, lise, mamie):
    voisin = PersonneAutorisee.objects.create(
        enfant=lise, famille=lise.famille, nom="MARTIN", prenom="Luc", telephone="06 11 11 11 11"
    )
    url = reverse("familles:modifier_autorisations", args=[lise.pk])
    assert client_parent.get(url).status_code == 200
    donnees = {
        "personnes-TOTAL_FORMS": "3",
        "personnes-INITIAL_FORMS": "2",
        "personnes-0-pk": str(mamie.pk),
        "personnes-0-prenom": "Martine",
        "personnes-0-nom": "DURAND",
        "personnes-0-telephone": "0699999999",
        "personnes-0-lien": "Grand-mère",
        "personnes-1-pk": str(voisin.pk),
        "personnes-1-prenom": "Luc",
        "personnes-1-nom": "MARTIN",
        "personnes-1-telephone": "06 11 11 11 11",
        "personnes-1-DELETE": "on",
        "personnes-2-prenom": "Paul",
        "personnes-2-nom": "DUPUIS",
        "personnes-2-telephone": "06 22 22 22 22",
        "personnes-2-lien": "Oncle",
    }
    assert client_parent.post(url, donnees).status_code == 302
    demande = Demande.objects.get()
    assert demande.type == "autorisations"
    assert list(demande.lignes.values_list("libelle", "nouvelle_valeur")) == [
        ("Téléphone (Martine DURAND)", "06 99 99 99 99"),
        ("Ajout d'une personne autorisée", "Paul DUPUIS (Oncle), 06 22 22 22 22"),
        ("Suppression d'une personne autorisée", ""),
    ]
    assert PersonneAutorisee.objects.filter(enfant=lise).count() == 2


def test_autorisations_personne_d_une_autre_famille_refusee(client_parent, lise, autre_famille):
    etrangere = PersonneAutorisee.objects.create(
        enfant=autre_famille.enfants.get(),
        famille=autre_famille,
        nom="X",
        prenom="Y",
        telephone="0611111111",
    )
    url = reverse("familles:modifier_autorisations", args=[lise.pk])
    donnees = {
        "personnes-TOTAL_FORMS": "1",
        "personnes-INITIAL_FORMS": "1",
        "personnes-0-pk": str(etrangere.pk),
        "personnes-0-prenom": "Y",
        "personnes-0-nom": "X",
        "personnes-0-telephone": "0611111112",
        "personnes-0-DELETE": "on",
    }
    reponse = client_parent.post(url, donnees)
    assert reponse.status_code == 200
    assert "pas dans la liste de l&#x27;enfant" in reponse.content.decode()
    assert not Demande.objects.exists()
    assert PersonneAutorisee.objects.filter(pk=etrangere.pk).exists()


# --- Mauvaises saisies ----------------------------------------------------------------

MAUVAISES_SAISIES = [
    ("telephone_mobile", "06 12 34", "numéro de téléphone français"),
    ("telephone_domicile", "+44 20 7946 0958", "numéro de téléphone français"),
    ("email", "jean@", "adresse de courriel valide"),
    ("date_naissance", "2999-01-01", "doit être dans le passé"),
    ("date_naissance", "31/02/2000", "Saisissez une date valide"),
    ("cp_naissance", "5911", "5 chiffres"),
    ("nom", "<b>DUPONT</b>", "uniquement des lettres"),
    ("prenom", "Jean2", "uniquement des lettres"),
    ("prenom", "", "Ce champ est obligatoire"),
    ("profession", "<script>alert(1)</script>", "ne sont pas acceptés"),
    ("qualite", "roi", "Sélectionnez un choix valide"),
    ("csp", "astronaute", "Sélectionnez un choix valide"),
]


@pytest.mark.parametrize(("champ", "valeur", "message"), MAUVAISES_SAISIES)
def test_mauvaise_saisie_adulte(client_parent, jean, champ, valeur, message):
    url = _url_adulte(jean)
    donnees = donnees_du_formulaire(client_parent.get(url), **{champ: valeur})
    reponse = client_parent.post(url, donnees)
    assert reponse.status_code == 200
    assert message in " ".join(reponse.context["form"].errors[champ])
    assert escape(message) in reponse.content.decode()
    assert not Demande.objects.exists()


MAUVAISES_SAISIES_FAMILLE = [
    ("caf", "code_postal", None, None),  # non présent : ignoré
    ("bancaires", "iban", "FR76 3000 6000 0112 3456 7890 188", "IBAN n'est pas valide"),
    ("bancaires", "bic", "AGRI", "BIC n'est pas valide"),
    ("bancaires", "titulaire_compte", "Jean <DUPONT>", "uniquement des lettres"),
    ("fiscales", "numero_fiscal", "12345", "13 chiffres"),
    ("fiscales", "revenu_fiscal", "beaucoup", "Saisissez un nombre"),
    ("caf", "quotient_familial", "-5", "supérieure ou égale à 0"),
    ("caf", "quotient_familial_date", "2999-01-01", "dans le futur"),
]


@pytest.mark.parametrize(("bloc", "champ", "valeur", "message"), MAUVAISES_SAISIES_FAMILLE[1:])
def test_mauvaise_saisie_famille(client_parent, famille, bloc, champ, valeur, message):
    url = reverse("familles:modifier_famille", args=[bloc])
    donnees = donnees_du_formulaire(client_parent.get(url), **{champ: valeur})
    reponse = client_parent.post(url, donnees)
    assert reponse.status_code == 200
    assert message in " ".join(reponse.context["form"].errors[champ])
    assert not Demande.objects.exists()


def test_mauvaise_saisie_enfant(client_parent, lise, autre_famille):
    url = reverse("familles:modifier_enfant", args=[lise.pk])
    claire = autre_famille.responsables.get()
    donnees = donnees_du_formulaire(client_parent.get(url), adresse_de=str(claire.pk), sexe="X")
    reponse = client_parent.post(url, donnees)
    assert set(reponse.context["form"].errors) == {"adresse_de", "sexe"}
    url = reverse("familles:modifier_sanitaire", args=[lise.pk])
    donnees = donnees_du_formulaire(client_parent.get(url), medecin_telephone="12")
    reponse = client_parent.post(url, donnees)
    assert "medecin_telephone" in reponse.context["form"].errors
    assert not Demande.objects.exists()


def test_champs_ajoutes_au_formulaire_ignores(client_parent, famille, jean):
    url = _url_adulte(jean)
    donnees = donnees_du_formulaire(
        client_parent.get(url), profession="Boulanger", role="autre", numero="9999", famille="1"
    )
    client_parent.post(url, donnees)
    ligne = Demande.objects.get().lignes.get()
    assert ligne.champ == "profession"
    famille.refresh_from_db()
    jean.refresh_from_db()
    assert (famille.numero, jean.role) != ("9999", "autre")


def test_demande_traitee_disparait_de_la_carte(client_parent, famille, jean, agent):
    from demandes.services import demande_accepter

    url = _url_adulte(jean)
    client_parent.post(url, donnees_du_formulaire(client_parent.get(url), profession="Maçon"))
    demande_accepter(demande=Demande.objects.get(), agent=agent)
    page = client_parent.get(reverse("familles:renseignements")).content.decode()
    assert "Modification en attente" not in page
    assert Demande.objects.get().statut == StatutDemande.ACCEPTEE
    jean.refresh_from_db()
    assert jean.profession == "Maçon"


def test_double_envoi_ne_cree_qu_une_demande(client_parent, jean):
    url = _url_adulte(jean)
    donnees = donnees_du_formulaire(client_parent.get(url), telephone_mobile="0612345678")
    assert client_parent.post(url, donnees).status_code == 302
    reponse = client_parent.post(url, donnees)
    assert reponse.status_code == 200
    assert escape(MESSAGE_DOUBLON) in reponse.content.decode()
    assert Demande.objects.count() == 1
    # Une autre valeur est une autre demande.
    donnees["telephone_mobile"] = "0612345679"
    assert client_parent.post(url, donnees).status_code == 302
    assert Demande.objects.count() == 2


def test_double_ajout_d_enfant_refuse(client_parent, famille):
    url = reverse("familles:ajouter_enfant")
    donnees = donnees_du_formulaire(client_parent.get(url), prenom="Paul")
    client_parent.post(url, donnees)
    reponse = client_parent.post(url, donnees)
    assert escape(MESSAGE_DOUBLON) in reponse.content.decode()
    assert Demande.objects.count() == 1


def test_menu_renseignements_sur_l_accueil(client_parent):
    page = client_parent.get(reverse("portail:accueil")).content.decode()
    assert f'href="{reverse("familles:renseignements")}">Renseignements</a>' in page
