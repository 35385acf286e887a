from demandes.models import Demande, StatutDemande
from demandes.selectors import demandes_en_attente
from familles.models import Famille

from .factories import demande_famille


def test_demandes_en_attente_sur_une_cible_en_une_requete(
    famille, autre_famille, django_assert_num_queries
):
    lise = famille.enfants.get()
    sur_lise = demande_famille(famille, cible=lise)
    sur_famille = demande_famille(famille, cible=famille)
    demande_famille(autre_famille, cible=autre_famille.enfants.get())
    annulee = demande_famille(famille, cible=famille.responsables.get())
    Demande.objects.filter(pk=annulee.pk).update(statut=StatutDemande.ANNULEE)
    list(demandes_en_attente(famille, cible=lise))  # met le ContentType en cache
    with django_assert_num_queries(1):
        assert list(demandes_en_attente(famille, cible=lise)) == [sur_lise]
    assert list(demandes_en_attente(famille, cible=famille)) == [sur_famille]
    # Une demande annulée n'est plus en attente ; celle d'une autre famille n'est jamais vue.
    assert not demandes_en_attente(famille, cible=famille.responsables.get()).exists()
    assert not demandes_en_attente(famille, cible=autre_famille.enfants.get()).exists()
    assert set(demandes_en_attente(famille)) == {sur_lise, sur_famille}


def test_demandes_en_attente_filtre_par_type_et_par_cible(famille):
    lise = famille.enfants.get()
    a = demande_famille(famille, type="test_famille", cible=lise)
    b = demande_famille(famille, type="test_lignes", cible=lise)
    assert list(demandes_en_attente(famille, types=["test_famille"], cible=lise)) == [a]
    assert set(demandes_en_attente(famille, types=["test_famille", "test_lignes"])) == {a, b}
    # Une cible est une ligne d'un modèle : le même pk sur un autre modèle n'est pas visé.
    assert not demandes_en_attente(famille, cible=Famille(pk=lise.pk)).exists()


def test_compteurs_de_l_accueil_en_une_requete(
    rf, famille, autre_famille, django_assert_num_queries
):
    from django.utils import timezone

    from demandes.models import Direction
    from demandes.selectors import compteurs_accueil

    from .factories_messages import MessageFactory

    MessageFactory.create_batch(2, famille=famille)
    MessageFactory(famille=famille, lu_le=timezone.now())
    MessageFactory(famille=famille, supprime_le=timezone.now())
    MessageFactory(famille=famille, direction=Direction.FAMILLE_VERS_MAIRIE)
    MessageFactory(famille=autre_famille)
    for _ in range(3):
        demande_famille(famille)
    acceptee = demande_famille(famille)
    Demande.objects.filter(pk=acceptee.pk).update(
        statut=StatutDemande.ACCEPTEE, traite_le=timezone.now()
    )
    demande_famille(autre_famille)
    requete = rf.get("/")
    with django_assert_num_queries(1):
        assert compteurs_accueil(requete, famille) == (2, 3)
        # Le second bloc de l'accueil relit les nombres de la même page sans requête.
        assert compteurs_accueil(requete, famille) == (2, 3)
    assert compteurs_accueil(rf.get("/"), autre_famille) == (1, 1)
