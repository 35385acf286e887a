"""Pages des parents et comptes gardés dans le cache, et leur fraîcheur par « générations ».

Une page de parent coûte 5 à 30 ms de CPU (ORM, gabarits) ; resservie depuis Redis, elle
coûte le prix d'une page nue (docs/performance.md). Ce qui est gardé n'est jamais resservi
périmé : chaque page porte les jetons des « générations » lues AVANT son calcul, et n'est
resservie que si elles n'ont pas changé depuis.

Générations (un jeton aléatoire par nom, dans le cache partagé) :

- ``famille:<id>`` : toute ligne d'une famille (enfant, réservation, facture, message…)
  enregistrée ou supprimée par le modèle (signaux ``post_save`` et ``pre_delete``) ;
- ``compte:<id>`` : le compte du parent (et sa fiche famille) ;
- ``places`` : les réservations de toutes les familles (les places restantes) ;
- ``commune`` : tout le reste (configuration, activités, tarifs, actualités…) ET toute
  écriture SQL sur une table du portail faite hors d'un ``save()``/``delete()`` de modèle
  (``update()``, ``bulk_create()``…) qu'un service n'a pas attribuée à une famille par
  ``ecritures_de_famille`` : un garde-fou sur les requêtes d'écriture la détecte, si bien
  qu'un oubli coûte des pages recalculées, jamais une page fausse.

Chaque jeton est changé tout de suite ET après le commit : une page calculée pendant la
transaction (avec les données d'avant) porte le jeton intermédiaire et est écartée.
Ce module ne contient aucune règle métier : il ne fait que dater les écritures.
"""

import hashlib
import logging
import re
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache as memoriser
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.db.models.deletion import Collector
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

APPLICATIONS = ("portail", "familles", "demandes", "reservations", "facturation", "pieces")
COMMUNE = "commune"
PLACES = "places"
PREFIXE = "portail:gen:"
# Modèles dont une écriture change aussi ce que voient les autres familles.
EN_PLUS = {"reservations.reservation": (PLACES,)}

T = TypeVar("T")
_local = threading.local()


def famille(famille_id: Any) -> str:
    return f"famille:{famille_id}"


def compte(user_id: Any) -> str:
    return f"compte:{user_id}"


def duree() -> int:
    return int(getattr(settings, "PORTAIL_CACHE_PAGES_SECONDES", 0))


# --- Générations ---------------------------------------------------------------------------


def _changer(noms: tuple[str, ...]) -> None:
    jeton = secrets.token_hex(8)
    try:
        cache.set_many({PREFIXE + nom: jeton for nom in noms}, timeout=None)
    except Exception:  # le cache absent ne doit pas faire échouer une écriture
        logger.exception("Générations non renouvelées : %s", ", ".join(noms))


def renouveler(*noms: str) -> None:
    """Les pages et comptes qui dépendent de ces générations seront recalculés."""
    if not noms or duree() <= 0:
        return
    _changer(noms)
    transaction.on_commit(lambda: _changer(noms), robust=True)


def _lire(cles: list[str], noms: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Les valeurs de ``cles`` et les jetons des générations ``noms``, en un aller-retour."""
    cles_gen = [PREFIXE + nom for nom in noms]
    trouve = cache.get_many([*cles, *cles_gen])
    jetons = []
    for cle in cles_gen:
        jeton = trouve.get(cle)
        if jeton is None:  # jamais écrite (ou cache vidé) : on en crée une
            jeton = secrets.token_hex(8)
            if not cache.add(cle, jeton, timeout=None):
                jeton = cache.get(cle, jeton)
        jetons.append(jeton)
    if noms and noms[0] == COMMUNE:
        _suivre_commune(jetons[0])
    return trouve, tuple(jetons)


_commune_vue: dict[str, str | None] = {"jeton": None}


def _suivre_commune(jeton: str) -> None:
    """La commune a changé (configuration, actualités, types de pièces…) : les copies
    gardées en mémoire de ce processus sont relues, pour ne pas entrer périmées dans une
    page gardée sous le nouveau jeton."""
    if _commune_vue["jeton"] != jeton:
        from .configuration import oublier_configuration_locale
        from .memoire import vider_memoire

        oublier_configuration_locale()
        vider_memoire()
        _commune_vue["jeton"] = jeton


@contextmanager
def ecritures_de_famille(famille_id: Any, *autres: str) -> Iterator[None]:
    """Pour un service qui écrit les lignes d'une seule famille (en masse, ou une par une) :
    ses écritures datent la famille (et ``autres``) une fois en sortie de bloc, au lieu de
    toute la commune (écritures en masse) ou d'une recherche par ligne (signaux)."""
    _local.attribuees = getattr(_local, "attribuees", 0) + 1
    try:
        yield
    finally:
        _local.attribuees -= 1
    renouveler(famille(famille_id), *autres)


# --- Qui a changé : signaux des modèles et garde-fou SQL -------------------------------------


def _surveille(modele: type[Model]) -> bool:
    meta = modele._meta
    return meta.app_label in APPLICATIONS and not meta.model_name.startswith("historical")


@memoriser
def _chemin_vers_famille(modele: type[Model]) -> tuple[str, ...] | None:
    """Le chemin de clés étrangères le plus court du modèle à la famille (≤ 3 pas)."""
    from familles.models import Famille

    def chercher(m: type[Model], profondeur: int) -> tuple[str, ...] | None:
        if m is Famille:
            return ()
        if profondeur == 3:
            return None
        meilleur = None
        for champ in m._meta.concrete_fields:
            if champ.many_to_one and champ.related_model is not m:
                suite = chercher(champ.related_model, profondeur + 1)  # type: ignore[arg-type]
                if suite is not None and (meilleur is None or len(suite) + 1 < len(meilleur)):
                    meilleur = (champ.name, *suite)
        return meilleur

    return chercher(modele, 0)


def _famille_id(instance: Model, chemin: tuple[str, ...]) -> Any:
    objet: Any = instance
    for i, nom in enumerate(chemin):
        champ = objet._meta.get_field(nom)
        lie = objet._state.fields_cache.get(nom)
        if lie is not None:
            objet = lie
            continue
        valeur = getattr(objet, champ.attname)
        if valeur is None or i == len(chemin) - 1:
            return valeur
        reste = "__".join(chemin[i + 1 :])
        return (
            champ.related_model._base_manager.filter(pk=valeur)
            .values_list(reste, flat=True)
            .first()
        )
    return getattr(objet, "pk", None)


def generations_de(instance: Model) -> tuple[str, ...]:
    """Les générations que change l'écriture de cette ligne."""
    label = instance._meta.label_lower
    if label == "portail.user":
        return (compte(instance.pk),)
    if label == "familles.famille":
        compte_id = getattr(instance, "compte_id", None)
        return (famille(instance.pk), *([compte(compte_id)] if compte_id else []))
    chemin = _chemin_vers_famille(type(instance))
    famille_id = _famille_id(instance, chemin) if chemin is not None else None
    if famille_id is None:
        return (COMMUNE,)
    return (famille(famille_id), *EN_PLUS.get(label, ()))


def _ligne_ecrite(sender: type[Model], instance: Model, **_: Any) -> None:
    # Dans ecritures_de_famille, la famille est datée une fois en sortie de bloc : pas de
    # recherche de la famille (une requête) ligne par ligne.
    if _surveille(sender) and duree() > 0 and not getattr(_local, "attribuees", 0):
        renouveler(*generations_de(instance))


def _m2m(sender: type[Model], instance: Model, action: str, **_: Any) -> None:
    if action.startswith("post_"):
        _ligne_ecrite(type(instance), instance)


ECRITURE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Les écritures faites dans un save()/delete() de modèle sont datées par les signaux.
_CODES_DES_MODELES = {Model.save_base.__code__, Collector.delete.__code__}


@memoriser
def _tables_surveillees() -> frozenset[str]:
    from django.apps import apps

    tables = set()
    for nom in APPLICATIONS:
        for modele in apps.get_app_config(nom).get_models(include_auto_created=True):
            if not modele._meta.model_name.startswith("historical"):
                tables.add(modele._meta.db_table)
    return frozenset(tables)


def _hors_modele() -> bool:
    cadre: Any = sys._getframe(2)
    while cadre is not None:
        if cadre.f_code in _CODES_DES_MODELES:
            return False
        cadre = cadre.f_back
    return True


def _garde_fou(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
    resultat = execute(sql, params, many, context)
    if (
        not getattr(_local, "attribuees", 0)
        and (trouve := ECRITURE.match(sql))
        and trouve.group(1) in _tables_surveillees()
        and duree() > 0
        and _hors_modele()
    ):
        renouveler(COMMUNE)
    return resultat


def _nouvelle_connexion(sender: Any, connection: Any, **_: Any) -> None:
    if _garde_fou not in connection.execute_wrappers:
        connection.execute_wrappers.append(_garde_fou)


def connecter() -> None:
    post_save.connect(_ligne_ecrite, dispatch_uid="cache_pages_save")
    pre_delete.connect(_ligne_ecrite, dispatch_uid="cache_pages_delete")
    m2m_changed.connect(_m2m, dispatch_uid="cache_pages_m2m")
    connection_created.connect(_nouvelle_connexion, dispatch_uid="cache_pages_sql")
    from django.db import connections

    for connexion in connections.all(initialized_only=True):
        _nouvelle_connexion(None, connexion)


# --- Le compte du parent ---------------------------------------------------------------------


def compte_en_cache(user_id: Any, charger: Callable[[], T]) -> T:
    """Le compte (avec sa famille) lu dans le cache, ou ``charger()`` : la requête SQL de
    chaque page. Une sauvegarde du compte ou de la famille le fait relire."""
    if duree() <= 0:
        return charger()
    cle = f"portail:compte:{user_id}"
    trouve, jetons = _lire([cle], (COMMUNE, compte(user_id)))
    garde = trouve.get(cle)
    if garde is not None and garde[0] == jetons:
        return garde[1]
    valeur = charger()
    if valeur is not None:
        cache.set(cle, (jetons, valeur), duree())
    return valeur


# --- Les pages -------------------------------------------------------------------------------


def _messages_en_attente(request: HttpRequest) -> bool:
    stockage = getattr(request, "_messages", None)
    return stockage is not None and len(stockage) > 0


def _parametres_admis(request: HttpRequest, parametres: tuple[str, ...]) -> bool:
    """Seuls les paramètres que lit la vue, courts, font une page gardée : une adresse
    inventée (« ?x=… » au hasard) ne remplit pas Redis de pages."""
    return all(
        cle in parametres and len(valeurs) == 1 and len(valeurs[0]) <= 20
        for cle, valeurs in request.GET.lists()
    )


def page_famille(
    *,
    depend: tuple[str, ...] = (),
    interrupteur: str | None = None,
    parametres: tuple[str, ...] = (),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Décorateur d'une page (GET) d'un parent : gardée par compte, jeton CSRF, adresse et
    jour, resservie tant que la commune, la famille, le compte et ``depend`` n'ont pas
    changé, et au plus PORTAIL_CACHE_PAGES_SECONDES (les échéances qui dépendent de
    l'heure). Les règles restent vérifiées par les services à chaque envoi.

    Ne s'applique qu'à une vue sans effet de bord en GET. Avec ``interrupteur``, la
    fonctionnalité coupée répond 404 avant toute lecture du cache. ``parametres`` : les
    paramètres d'adresse que lit la vue (une adresse avec d'autres n'est pas gardée)."""
    from .configuration import fonctionnalite_active

    def decorateur(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(vue)
        def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if interrupteur and not fonctionnalite_active(interrupteur):
                raise Http404("Cette fonctionnalité n'est pas ouverte par la commune.")
            user = request.user
            fiche = getattr(user, "famille", None) if user.is_authenticated else None
            secret = request.META.get("CSRF_COOKIE")
            if (
                duree() <= 0
                or request.method != "GET"
                or fiche is None
                or not secret
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                or _messages_en_attente(request)
                or not _parametres_admis(request, parametres)
            ):
                return vue(request, *args, **kwargs)
            # Le jeton CSRF des formulaires de la page vient du secret du parent : une page
            # n'est resservie qu'avec le même secret (une nouvelle connexion en change).
            empreinte = hashlib.blake2b(
                f"{secret}\n{request.get_full_path()}".encode(), digest_size=16
            ).hexdigest()
            cle = f"portail:page:{user.pk}:{timezone.localdate():%Y%m%d}:{empreinte}"
            noms = (COMMUNE, famille(fiche.pk), compte(user.pk), *depend)
            trouve, jetons = _lire([cle], noms)
            gardee = trouve.get(cle)
            if gardee is not None and gardee[0] == jetons:
                return HttpResponse(gardee[2], content_type=gardee[1])
            reponse = vue(request, *args, **kwargs)
            if (
                reponse.status_code == 200
                and not reponse.streaming
                and not reponse.cookies
                and not getattr(getattr(request, "session", None), "modified", False)
                and not _messages_en_attente(request)
            ):
                cache.set(cle, (jetons, reponse["Content-Type"], reponse.content), duree())
            return reponse

        return enveloppe

    return decorateur
