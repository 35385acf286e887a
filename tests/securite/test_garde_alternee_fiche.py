"""La fiche d'un enfant en garde alternée, vue et modifiée depuis ses deux foyers.

Hugo vit chez MARTIN (Claire, son foyer) et chez BERNARD (Paul, le second foyer). Sa fiche
(identité, école, santé) est la même pour les deux ; ses personnes autorisées et les pièces du
foyer sont à chacun ; ses pièces à lui (vaccinations) sont partagées. Zoé, enfant de MARTIN
seulement, n'est jamais atteinte par BERNARD.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from demandes.models import Demande
from demandes.services import demande_accepter
from familles.models import PersonneAutorisee
from familles.services import Changement, acces_adulte_regler, renseignements_demander
from pieces.models import Piece, Portee, StatutPiece, TypePiece
from pieces.selectors import pieces_a_fournir
from tests.factories import EnfantFactory, FamilleFactory, ResponsableFactory, compte_de
from tests.reservations.factories_planning import PDF

pytestmark = pytest.mark.django_db

# Ce que BERNARD ne doit jamais lire de MARTIN, ni MARTIN de BERNARD.
DE_MARTIN = ["Claire", "06 98 76 54 32", "12 rue des Lilas", "Sophie", "06 11 22 33 44"]
DE_BERNARD = ["Paul", "07 12 12 12 12", "8 rue des Tilleuls", "Marc", "06 55 44 33 22"]


@pytest.fixture
def martin(configuration):
    famille = FamilleFactory(nom="MARTIN", adresse="12 rue des Lilas")
    ResponsableFactory(
        famille=famille, prenom="Claire", civilite="MME", telephone_mobile="06 98 76 54 32"
    )
    return famille


@pytest.fixture
def bernard(configuration):
    famille = FamilleFactory(nom="BERNARD", adresse="8 rue des Tilleuls")
    ResponsableFactory(famille=famille, prenom="Paul", telephone_mobile="07 12 12 12 12")
    return famille


@pytest.fixture
def hugo(martin, bernard):
    hugo = EnfantFactory(
        famille=martin,
        second_foyer=bernard,
        prenom="Hugo",
        adresse_de=martin.responsables.get(),
        allergies="Aucune connue",
    )
    PersonneAutorisee.objects.create(
        enfant=hugo, famille=martin, prenom="Sophie", nom="LEROY", telephone="06 11 22 33 44"
    )
    PersonneAutorisee.objects.create(
        enfant=hugo, famille=bernard, prenom="Marc", nom="PETIT", telephone="06 55 44 33 22"
    )
    return hugo


@pytest.fixture
def zoe(martin):
    return EnfantFactory(famille=martin, prenom="Zoé")


@pytest.fixture
def client_bernard(client, bernard, hugo):
    client.force_login(compte_de(bernard))
    return client


def _texte(reponse) -> str:
    assert reponse.status_code == 200
    if reponse["Content-Type"] == "application/pdf":
        lecteur = PdfReader(io.BytesIO(reponse.content))
        return "\n".join(page.extract_text() for page in lecteur.pages)
    return reponse.content.decode()


def _absents(texte: str, interdits: list[str]) -> None:
    presents = [mot for mot in interdits if mot in texte]
    assert not presents, f"de l'autre foyer : {presents}"


# --- Les pages du second foyer -------------------------------------------------------------


@pytest.mark.parametrize("nom", ["familles:mes_enfants", "familles:renseignements"])
def test_le_second_foyer_voit_hugo_sans_rien_de_l_autre_foyer(client_bernard, nom):
    texte = _texte(client_bernard.get(reverse(nom)))
    assert "Hugo" in texte
    assert "Garde alternée : la fiche de l'enfant est partagée avec l'autre foyer." in texte
    assert "8 rue des Tilleuls" in texte  # l'adresse d'Hugo chez BERNARD
    _absents(texte, [*DE_MARTIN, "MARTIN (", "Zoé"])


def test_mes_enfants_du_second_foyer_montre_ses_seules_personnes_autorisees(client_bernard):
    texte = _texte(client_bernard.get(reverse("familles:mes_enfants")))
    assert "Marc PETIT" in texte and "06 55 44 33 22" in texte
    _absents(texte, ["Sophie", "LEROY"])


def test_le_premier_foyer_garde_ses_personnes_autorisees_et_son_adresse(client, martin, hugo):
    client.force_login(compte_de(martin))
    texte = _texte(client.get(reverse("familles:mes_enfants")))
    assert "Sophie LEROY" in texte and "12 rue des Lilas" in texte
    assert "Garde alternée" in texte
    _absents(texte, DE_BERNARD)


def test_la_fiche_pdf_du_second_foyer_n_a_que_ce_foyer(client_bernard, bernard, martin, hugo):
    hugo.allergies = "Arachide"
    hugo.save(update_fields=["allergies"])
    texte = _texte(client_bernard.get(reverse("pieces:fiche_inscription", args=[hugo.pk])))
    assert "Hugo" in texte and "Arachide" in texte
    assert "Paul" in texte and "8 rue des Tilleuls" in texte and "PETIT Marc" in texte
    assert f"Famille n° {bernard.numero}" in texte
    _absents(texte, [*DE_MARTIN, f"n° {martin.numero}"])


def test_la_fiche_pdf_du_premier_foyer_n_a_rien_du_second(client, martin, hugo):
    client.force_login(compte_de(martin))
    texte = _texte(client.get(reverse("pieces:fiche_inscription", args=[hugo.pk])))
    assert "Claire" in texte and "12 rue des Lilas" in texte and "LEROY Sophie" in texte
    _absents(texte, DE_BERNARD)


def test_le_formulaire_du_second_foyer_ne_propose_pas_l_adresse_de_l_autre(client_bernard, hugo):
    texte = _texte(client_bernard.get(reverse("familles:modifier_enfant", args=[hugo.pk])))
    assert 'name="ecole"' in texte
    assert 'name="adresse_de"' not in texte
    _absents(texte, DE_MARTIN)


# --- La frontière : un enfant de MARTIN qui n'est pas partagé, un adulte coupé -------------

URLS_D_ENFANT = [
    ("familles:modifier_enfant", "pk"),
    ("familles:modifier_sanitaire", "pk"),
    ("familles:modifier_autorisations", "pk"),
    ("pieces:fiche_inscription", "enfant_id"),
]


@pytest.mark.parametrize("nom, cle", URLS_D_ENFANT)
def test_un_enfant_non_partage_de_l_autre_foyer_repond_404(client_bernard, zoe, nom, cle):
    url = reverse(nom, kwargs={cle: zoe.pk})
    assert client_bernard.get(url).status_code == 404
    assert client_bernard.post(url, {"ecole": "X", "allergies": "X"}).status_code == 404
    assert not Demande.objects.exists()


@pytest.mark.parametrize("nom, cle", URLS_D_ENFANT)
def test_un_adulte_coupe_n_atteint_plus_l_enfant_partage(client_bernard, bernard, hugo, nom, cle):
    acces_adulte_regler(responsable=bernard.responsables.get(), actif=False)
    reponse = client_bernard.get(reverse(nom, kwargs={cle: hugo.pk}))
    assert reponse.status_code in (302, 404)
    if reponse.status_code == 302:
        assert reponse["Location"].startswith(reverse("account_login"))


# --- Les demandes : de l'un, acceptées, vues par les deux ; en attente, par le seul demandeur


def test_la_demande_du_second_foyer_acceptee_se_voit_chez_le_premier(
    client_bernard, client, bernard, martin, hugo, agent
):
    reponse = client_bernard.post(
        reverse("familles:modifier_sanitaire", args=[hugo.pk]),
        {"allergies": "Arachide", "vaccinations_a_jour": "on"},
    )
    assert reponse.status_code == 302
    demande = Demande.objects.get()
    assert demande.famille == bernard and demande.cible == hugo
    client.force_login(compte_de(martin))
    texte = _texte(client.get(reverse("familles:mes_enfants")))
    assert "Arachide" not in texte and "en attente" not in texte

    demande_accepter(demande=demande, agent=agent)

    hugo.refresh_from_db()
    assert hugo.allergies == "Arachide"
    assert "Arachide" in _texte(client.get(reverse("familles:mes_enfants")))


def test_la_demande_en_attente_du_premier_foyer_est_invisible_au_second(
    client_bernard, martin, hugo
):
    renseignements_demander(
        famille=martin,
        type="enfants",
        cible=hugo,
        personne=hugo.prenom,
        changements=[Changement(objet=hugo, champ="ecole", valeur="École Jules Ferry")],
    )
    for nom in ["familles:mes_enfants", "demandes:historique"]:
        texte = _texte(client_bernard.get(reverse(nom)))
        _absents(texte, ["Jules Ferry", "en attente de validation"])
    formulaire = _texte(client_bernard.get(reverse("familles:modifier_enfant", args=[hugo.pk])))
    assert "Jules Ferry" not in formulaire


def test_le_second_foyer_ne_change_pas_l_adresse_de_l_enfant(bernard, hugo):
    paul = bernard.responsables.get()
    with pytest.raises(ValidationError, match="celle de votre foyer"):
        renseignements_demander(
            famille=bernard,
            type="enfants",
            cible=hugo,
            personne=hugo.prenom,
            changements=[Changement(objet=hugo, champ="adresse_de", valeur=paul)],
        )
    assert not Demande.objects.exists()


def test_l_agent_voit_l_enfant_et_le_foyer_qui_demande(client_agent, bernard, martin, hugo):
    demande = renseignements_demander(
        famille=bernard,
        type="sanitaire",
        cible=hugo,
        personne=hugo.prenom,
        changements=[Changement(objet=hugo, champ="allergies", valeur="Gluten")],
    )
    assert demande is not None
    texte = _texte(client_agent.get(reverse("admin:demandes_demande_change", args=[demande.pk])))
    assert f"demandé par le foyer {bernard}" in texte
    assert f"garde alternée ({martin} et {bernard})" in texte


# --- Les personnes autorisées, par foyer ----------------------------------------------------


def test_les_personnes_autorisees_ajoutees_par_un_foyer_sont_les_siennes(
    client_bernard, client, bernard, martin, hugo, agent
):
    marc = PersonneAutorisee.objects.get(famille=bernard)
    donnees = {
        "personnes-TOTAL_FORMS": "2",
        "personnes-INITIAL_FORMS": "1",
        "personnes-0-pk": str(marc.pk),
        "personnes-0-prenom": "Marc",
        "personnes-0-nom": "PETIT",
        "personnes-0-telephone": "06 55 44 33 22",
        "personnes-1-prenom": "Léa",
        "personnes-1-nom": "ROUX",
        "personnes-1-telephone": "06 77 77 77 77",
    }
    url = reverse("familles:modifier_autorisations", args=[hugo.pk])
    assert client_bernard.post(url, donnees).status_code == 302
    demande_accepter(demande=Demande.objects.get(famille=bernard), agent=agent)

    lea = PersonneAutorisee.objects.get(prenom="Léa")
    assert lea.famille == bernard and lea.enfant == hugo
    client.force_login(compte_de(martin))
    _absents(_texte(client.get(reverse("familles:mes_enfants"))), ["Léa", "ROUX", "Marc"])


def test_un_foyer_ne_supprime_pas_les_personnes_autorisees_de_l_autre(client_bernard, martin, hugo):
    sophie = PersonneAutorisee.objects.get(famille=martin)
    donnees = {
        "personnes-TOTAL_FORMS": "1",
        "personnes-INITIAL_FORMS": "1",
        "personnes-0-pk": str(sophie.pk),
        "personnes-0-prenom": "Sophie",
        "personnes-0-nom": "LEROY",
        "personnes-0-telephone": "06 11 22 33 44",
        "personnes-0-DELETE": "on",
    }
    reponse = client_bernard.post(
        reverse("familles:modifier_autorisations", args=[hugo.pk]), donnees
    )
    assert reponse.status_code == 200
    assert (
        "Cette personne n&#x27;est pas dans la liste de l&#x27;enfant." in reponse.content.decode()
    )
    assert not Demande.objects.exists()


def test_le_service_refuse_la_personne_autorisee_de_l_autre_foyer(bernard, martin, hugo):
    sophie = PersonneAutorisee.objects.get(famille=martin)
    with pytest.raises(ValidationError, match="n'appartient pas à votre famille"):
        renseignements_demander(
            famille=bernard,
            type="autorisations",
            cible=hugo,
            personne=hugo.prenom,
            changements=[],
            suppressions_personnes=[sophie],
        )
    assert PersonneAutorisee.objects.filter(pk=sophie.pk).exists()


def test_une_personne_autorisee_n_appartient_qu_a_un_foyer_de_l_enfant(hugo):
    etranger = FamilleFactory(nom="ETRANGER")
    personne = PersonneAutorisee(
        enfant=hugo, famille=etranger, prenom="Luc", nom="NOIR", telephone="0611111111"
    )
    with pytest.raises(ValidationError, match="pas un foyer de l'enfant"):
        personne.full_clean()


# --- Les pièces : celles de l'enfant partagées, celles du foyer à chacun -------------------


def _piece(famille, nom, portee, enfant=None, statut=StatutPiece.VALIDEE) -> Piece:
    type_piece, _ = TypePiece.objects.get_or_create(nom=nom, defaults={"portee": portee})
    piece = Piece(
        famille=famille, enfant=enfant, type=type_piece, nom_fichier=f"{nom}.pdf", statut=statut
    )
    piece.fichier.save(f"{nom}.pdf", ContentFile(PDF), save=False)
    piece.save()
    return piece


def test_le_second_foyer_voit_et_telecharge_les_pieces_d_hugo_jamais_celles_du_foyer(
    client_bernard, martin, hugo, zoe
):
    vaccins = _piece(martin, "Vaccinations", Portee.ENFANT, hugo)
    avis = _piece(martin, "Avis d'imposition", Portee.FAMILLE)
    de_zoe = _piece(martin, "Certificat médical", Portee.ENFANT, zoe)
    refusee = _piece(martin, "Vaccinations", Portee.ENFANT, hugo, statut=StatutPiece.REFUSEE)
    autres = [avis, de_zoe, refusee]

    texte = _texte(client_bernard.get(reverse("pieces:liste")))
    assert "Vaccinations (Hugo)" in texte and "Transmise par l'autre foyer" in texte
    assert reverse("pieces:fichier", args=[vaccins.pk]) in texte
    assert client_bernard.get(reverse("pieces:fichier", args=[vaccins.pk])).status_code == 200
    # Les types restent à fournir par BERNARD lui-même ; les pièces de MARTIN n'y sont pas.
    _absents(texte, ["Zoé", *(f'{reverse("pieces:fichier", args=[p.pk])}"' for p in autres)])
    for autre in autres:
        assert client_bernard.get(reverse("pieces:fichier", args=[autre.pk])).status_code == 404


def test_la_piece_d_hugo_deposee_par_un_foyer_vaut_pour_l_autre(bernard, martin, hugo):
    TypePiece.objects.create(nom="Vaccinations", portee=Portee.ENFANT)
    assert [p.libelle for p in pieces_a_fournir(bernard)] == ["Vaccinations (Hugo)"]
    _piece(martin, "Vaccinations", Portee.ENFANT, hugo)
    assert pieces_a_fournir(bernard) == []
    avis = TypePiece.objects.create(nom="Avis d'imposition", portee=Portee.FAMILLE)
    _piece(martin, "Avis d'imposition", Portee.FAMILLE)
    # La pièce du foyer MARTIN ne vaut pas pour BERNARD.
    assert [p.type for p in pieces_a_fournir(bernard)] == [avis]


def _transmettre_vaccins(client, enfant):
    type_vaccins = TypePiece.objects.create(nom="Vaccinations", portee=Portee.ENFANT)
    fichier = SimpleUploadedFile("vaccins.pdf", PDF, content_type="application/pdf")
    return client.post(
        reverse("pieces:transmettre"),
        {"type": type_vaccins.pk, "enfant": enfant.pk, "fichier": fichier},
    )


def test_le_second_foyer_transmet_une_piece_pour_hugo(
    client_bernard, client, bernard, martin, hugo
):
    assert _transmettre_vaccins(client_bernard, hugo).status_code == 302
    piece = Piece.objects.get()
    assert (piece.famille, piece.enfant) == (bernard, hugo)
    client.force_login(compte_de(martin))
    assert "vaccins.pdf" in _texte(client.get(reverse("pieces:liste")))


def test_le_second_foyer_ne_transmet_rien_pour_un_enfant_non_partage(client_bernard, zoe):
    assert _transmettre_vaccins(client_bernard, zoe).status_code == 200
    assert not Piece.objects.exists()
