"""Les lectures compilées une fois par processus (portail/noyau/lectures.py) rendent ce que
rendrait l'ORM, objet par objet et champ par champ, et refusent ce qu'elles ne savent pas
compiler juste."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Model, Prefetch, Q
from django.utils import timezone

from bench.familles_banc import creer
from demandes.selectors import (
    _cibles_en_attente,
    _cles_de_l_historique,
    _cles_des_messages,
    _demandes_par_identifiant,
    _messages_par_identifiant,
    _reponses_depuis,
)
from facturation.attestations import _annees_des_reglements
from facturation.prelevement.selectors import _mandats_actifs_du_foyer, _prelevements_des_factures
from facturation.selectors import (
    _factures_du_foyer,
    _factures_entre,
    _reglements_du_foyer,
    _reglements_entre,
)
from familles.models import Enfant, Famille, PersonneAutorisee
from familles.selectors import (
    _adultes_du_foyer,
    _enfants_actifs_du_foyer,
    _enfants_actifs_par_prenom,
    _enfants_par_age,
    _personnes_du_foyer,
    _renseignements_en_attente,
)
from pieces.models import TypePiece
from pieces.selectors import (
    _activites_en_cours,
    _inscriptions_et_enfants,
    _pieces_transmises,
    _pieces_valables,
    _types_de_l_enfant,
)
from portail.chargement_compte import _compte
from portail.noyau.annee_scolaire import annee_scolaire
from portail.noyau.lectures import LECTURES, lecture_compilee
from portail.noyau.models import User
from reservations.planning import (
    _absences_des_reservations,
    _activites_inscrites,
    _jours_ouverts,
    _reservations_du_mois,
)
from reservations.selectors import _inscriptions_actives, _periodes_proposees
from tests.factories import EnfantFactory


def _etat(valeur, profondeur: int = 0):
    """Ce qu'un objet porte : ses champs et annotations, et les objets déjà chargés avec lui
    (select_related, prefetch_related), sur deux niveaux."""
    if isinstance(valeur, Model):
        champs = {cle: v for cle, v in vars(valeur).items() if cle != "_state" and cle[0] != "_"}
        if profondeur >= 2:
            return (type(valeur), champs)
        lies = {
            cle: _etat(objet, profondeur + 1) for cle, objet in valeur._state.fields_cache.items()
        }
        prefetch = {
            cle: [_etat(o, profondeur + 1) for o in objets]
            for cle, objets in getattr(valeur, "_prefetched_objects_cache", {}).items()
        }
        return (type(valeur), champs, lies, prefetch)
    if isinstance(valeur, list | tuple):
        return [_etat(v, profondeur) for v in valeur]
    return valeur


def _pareil(lecture, **valeurs) -> list:
    compilee = lecture(**valeurs)
    orm = list(lecture.queryset(**valeurs))
    assert _etat(compilee) == _etat(orm)
    # Deux fois : la seconde passe par le SQL gardé.
    assert _etat(lecture(**valeurs)) == _etat(orm)
    return compilee


def _appels(famille: Famille) -> list[tuple]:
    """Chaque lecture compilée du portail, avec les valeurs qu'une page lui donne."""
    aujourdhui = timezone.localdate()
    debut = aujourdhui.replace(day=1)
    fin = (debut + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    enfants = list(Enfant.objects.filter(Q(famille=famille) | Q(second_foyer=famille)))
    reservations = [
        r for e in enfants for r in _reservations_du_mois(enfant_id=e.pk, debut=debut, fin=fin)
    ]
    unites = sorted({r.unite_id for r in reservations})
    activites = sorted(
        {a for e in enfants for a in _activites_inscrites(enfant_id=e.pk, debut=debut, fin=fin)}
    )
    annee = annee_scolaire(aujourdhui)
    appels: list[tuple] = [
        (_enfants_par_age, {"famille_id": famille.pk}),
        (_enfants_actifs_du_foyer, {"famille_id": famille.pk}),
        (_enfants_actifs_par_prenom, {"famille_id": famille.pk}),
        (_inscriptions_actives, {"enfants": [e.pk for e in enfants], "aujourdhui": aujourdhui}),
        (_periodes_proposees, {"activites": activites, "aujourdhui": aujourdhui}),
        (_periodes_proposees, {"activites": [], "aujourdhui": aujourdhui}),
        (_inscriptions_et_enfants, {"famille_id": famille.pk, "le": aujourdhui}),
        (_pieces_transmises, {"famille_id": famille.pk, "types_enfant": _types_de_l_enfant()}),
        (_adultes_du_foyer, {"famille_id": famille.pk}),
        (_personnes_du_foyer, {"famille_id": famille.pk}),
        (_renseignements_en_attente, {"famille_id": famille.pk}),
        (_annees_des_reglements, {"famille_id": famille.pk}),
        (_factures_entre, {"famille_id": famille.pk, "debut": annee.debut, "fin": annee.fin}),
        (_reglements_entre, {"famille_id": famille.pk, "debut": annee.debut, "fin": annee.fin}),
        (_factures_du_foyer, {"famille_id": famille.pk}),
        (_reglements_du_foyer, {"famille_id": famille.pk}),
        (
            _prelevements_des_factures,
            {"factures": [f.pk for f in _factures_du_foyer(famille_id=famille.pk)]},
        ),
        (_cibles_en_attente, {"famille_id": famille.pk, "type": "facture_duplicata"}),
        (_mandats_actifs_du_foyer, {"famille_id": famille.pk}),
        (
            _reponses_depuis,
            {"famille_id": famille.pk, "depuis": timezone.now() - timedelta(days=30)},
        ),
        (_activites_en_cours, {"famille_id": famille.pk, "le": aujourdhui}),
        (
            _pieces_valables,
            {"famille_id": famille.pk, "le": aujourdhui, "types_enfant": _types_de_l_enfant()},
        ),
        (_pieces_valables, {"famille_id": famille.pk, "le": aujourdhui, "types_enfant": []}),
        (_jours_ouverts, {"unites": unites, "debut": debut, "fin": fin}),
        (_absences_des_reservations, {"reservations": [r.pk for r in reservations]}),
        (_cles_de_l_historique, {"famille_id": famille.pk}),
        (
            _demandes_par_identifiant,
            {
                "famille_id": famille.pk,
                "ids": [c[0] for c in _cles_de_l_historique(famille_id=famille.pk)][:20],
            },
        ),
        (_cles_des_messages, {"famille_id": famille.pk}),
        (
            _messages_par_identifiant,
            {
                "famille_id": famille.pk,
                "ids": [c[0] for c in _cles_des_messages(famille_id=famille.pk)][:20],
            },
        ),
    ]
    for compte in User.objects.filter(responsable__famille=famille):
        appels.append((_compte, {"pk": compte.pk}))
    for enfant in enfants:
        appels.append((_reservations_du_mois, {"enfant_id": enfant.pk, "debut": debut, "fin": fin}))
        appels.append((_activites_inscrites, {"enfant_id": enfant.pk, "debut": debut, "fin": fin}))
    return appels


@pytest.fixture
def familles(db):
    call_command("demo", stdout=StringIO())
    [grosse] = creer(1, enfants=6, factures=12, demandes=20, messages=10, pieces=10)
    martin = Famille.objects.get(numero="1002")
    nina = EnfantFactory(famille=martin, prenom="Nina", second_foyer=grosse)
    PersonneAutorisee.objects.create(enfant=nina, famille=grosse, nom="VOISIN", prenom="Alix")
    return [Famille.objects.get(numero="1001"), grosse, martin, Famille.objects.get(numero="1003")]


def test_chaque_lecture_compilee_rend_ce_que_rend_l_orm(familles):
    vues = set()
    for famille in familles:
        for lecture, valeurs in _appels(famille):
            _pareil(lecture, **valeurs)
            vues.add(lecture)

    # Une lecture ajoutée au portail sans être comparée ici fait échouer ce test.
    def nom(lecture) -> str:
        return f"{lecture.__module__}.{lecture.__qualname__}"

    assert {
        nom(lecture) for lecture in LECTURES if not lecture.__module__.startswith("tests.")
    } == {nom(lecture) for lecture in vues}


def test_des_lignes_reelles_sont_comparees(familles):
    grosse = familles[1]
    factures = _pareil(_factures_du_foyer, famille_id=grosse.pk)
    assert len(factures) == 12
    # Des objets de la base comme ceux de l'ORM : enregistrables, sans doublon.
    assert all(f._state.db == "default" and not f._state.adding for f in factures)
    factures[0].save(update_fields=["echeance"])
    assert _pareil(_activites_en_cours, famille_id=grosse.pk, le=timezone.localdate())


def test_une_valeur_de_plus_change_le_resultat(familles):
    petite, grosse = familles[0], familles[1]
    assert [f.pk for f in _factures_du_foyer(famille_id=grosse.pk)] != [
        f.pk for f in _factures_du_foyer(famille_id=petite.pk)
    ]
    assert _factures_du_foyer(famille_id=2**40) == []


@lecture_compilee
def _comptes(pk: int, depuis):
    return User.objects.select_related("responsable__famille").filter(
        pk=pk, date_joined__gte=depuis
    )


@lecture_compilee
def _comptes_parmi(pks: list[int]):
    return User.objects.filter(pk__in=pks).order_by("pk").values_list("pk", flat=True)


@pytest.mark.django_db
def test_listes_vides_et_de_longueurs_differentes():
    a, b, c = (User.objects.create(username=f"u{i}") for i in range(3))
    assert _comptes_parmi(pks=[]) == []
    assert _comptes_parmi(pks=[c.pk]) == [c.pk]
    assert _comptes_parmi(pks=[a.pk, c.pk]) == [a.pk, c.pk]
    assert _comptes_parmi(pks=[b.pk, c.pk, a.pk]) == [a.pk, b.pk, c.pk]
    assert _etat(_comptes(pk=a.pk, depuis=timezone.now() - timedelta(days=1))) == _etat(
        list(_comptes.queryset(pk=a.pk, depuis=timezone.now() - timedelta(days=1)))
    )
    assert _comptes(pk=a.pk, depuis=timezone.now() + timedelta(days=1)) == []


@pytest.mark.django_db
def test_ce_qu_une_lecture_ne_sait_pas_compiler_est_refuse():
    @lecture_compilee
    def selon_la_valeur(nombre: int):
        return User.objects.order_by("pk")[:nombre]  # LIMIT : dans le SQL, pas un paramètre

    @lecture_compilee
    def transformee(nom: str):
        return User.objects.filter(username__icontains=nom)

    @lecture_compilee
    def booleen(actif: bool):
        return User.objects.filter(is_active=actif)

    @lecture_compilee
    def prefetch(pk: int):
        return Enfant.objects.prefetch_related(
            Prefetch(
                "personnes_autorisees", queryset=PersonneAutorisee.objects.filter(famille_id=pk)
            )
        )

    with pytest.raises(RuntimeError, match="le SQL change"):
        selon_la_valeur(nombre=3)
    with pytest.raises(RuntimeError, match="transformée"):
        transformee(nom="a")
    with pytest.raises(TypeError, match="bool"):
        booleen(actif=True)
    with pytest.raises(RuntimeError, match="Prefetch"):
        prefetch(pk=1)
    for lecture in (selon_la_valeur, transformee, booleen, prefetch):
        LECTURES.remove(lecture)


@lecture_compilee
def _types_valables(mois: int):
    return TypePiece.objects.filter(duree_mois=mois).order_by("pk").values_list("pk", flat=True)


@pytest.mark.django_db
def test_un_entier_sur_un_petit_champ_positif():
    """Un témoin hors des bornes du champ (ici 0 à 32 767) ferait remplacer la condition par
    « aucune ligne » : la lecture ne rendrait plus jamais rien."""
    type_piece = TypePiece.objects.create(
        nom="Vaccins", portee="enfant", validite="mois", duree_mois=5
    )
    assert _types_valables(mois=5) == [type_piece.pk]
    assert _types_valables(mois=6) == []


@pytest.mark.django_db
def test_une_date_est_passee_comme_l_orm_la_passe():
    compte = User.objects.create(username="dates", date_joined=timezone.now() - timedelta(days=3))
    assert [u.pk for u in _comptes(pk=compte.pk, depuis=timezone.now() - timedelta(days=4))] == [
        compte.pk
    ]
    assert _comptes(pk=compte.pk, depuis=timezone.now() - timedelta(days=2)) == []
