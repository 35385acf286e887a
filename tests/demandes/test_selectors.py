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
