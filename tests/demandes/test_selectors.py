from demandes.models import Demande, StatutDemande
from demandes.selectors import cibles_en_attente
from familles.models import Enfant, Famille, Responsable

from .factories import demande_famille


def test_cibles_en_attente_en_une_requete(famille, autre_famille, django_assert_num_queries):
    lise = famille.enfants.get()
    demande_famille(famille, cible=lise)
    demande_famille(famille, cible=famille)
    demande_famille(autre_famille, cible=autre_famille.enfants.get())
    annulee = demande_famille(famille, cible=famille.responsables.get())
    Demande.objects.filter(pk=annulee.pk).update(statut=StatutDemande.ANNULEE)
    cibles_en_attente(famille, Enfant)  # met le ContentType en cache
    with django_assert_num_queries(1):
        assert cibles_en_attente(famille, Enfant) == {lise.pk}
    assert cibles_en_attente(famille, Famille) == {famille.pk}

    assert cibles_en_attente(famille, Responsable) == set()
