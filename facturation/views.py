import time
from decimal import Decimal

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from demandes.selectors import cibles_en_attente
from familles.models import Famille
from portail.noyau.annee_scolaire import annee_scolaire
from portail.noyau.famille import famille_courante, get_for_famille
from portail.noyau.interrupteurs import fonctionnalite_active, fonctionnalite_requise
from portail.noyau.pages import page_famille
from portail.noyau.pdf import reponse_pdf

from .attestations import annees_avec_paiements, attestation_frais_garde, pdf_attestation
from .forms import PaiementEnLigneForm
from .models import ZERO, EtatTransaction, Facture, Reglement, TransactionPaiement
from .pdf import pdf_facture, pdf_recu
from .prelevement.selectors import prenotifications, prochain_prelevement
from .selectors import (
    annees_du_releve,
    factures_famille,
    impayees_famille,
    reglements_famille,
    releve_de_compte,
    solde_famille,
)
from .services import (
    DUPLICATA,
    RECU,
    AccesPayfip,
    acces_payfip,
    facture_demander_duplicata,
    factures_payables,
    paiement_commencer,
    paiement_verifier,
    reglement_demander_recu,
)
from .services.suspension import message_suspension, montant_suspendant

# Les interrupteurs de la facturation (déclarés dans branchement.py).
FACTURES = "factures_actives"
PAIEMENT_EN_LIGNE = "paiement_en_ligne_actif"


def contexte_accueil(request: HttpRequest, famille: Famille) -> dict:
    impayees = impayees_famille(famille)
    montant = montant_suspendant(famille)
    return {
        "suspension": message_suspension(montant) if montant is not None else "",
        "prochain_prelevement": prochain_prelevement(famille, impayees),
        "solde": solde_famille(famille),
        "impayees": impayees,
        "total_impayes": sum((f.reste for f in impayees), ZERO),  # type: ignore[attr-defined]
        "aujourdhui": timezone.localdate(),
    }


@page_famille()
@fonctionnalite_requise(FACTURES)
def factures(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    liste = factures_famille(famille)
    annonces = prenotifications(famille, liste)
    for facture in liste:
        facture.prenotification = annonces.get(facture.pk)  # type: ignore[attr-defined]
    a_regler = [f for f in liste if f.reste > 0]  # type: ignore[attr-defined]
    return render(
        request,
        "facturation/factures.html",
        {
            "factures": liste,
            "nombre_a_regler": len(a_regler),
            "total_a_regler": sum((f.reste for f in a_regler), ZERO),  # type: ignore[attr-defined]
            "duplicatas_en_attente": cibles_en_attente(famille, DUPLICATA),
            # Une facture dont le prélèvement est annoncé ne se paie pas en ligne.
            "a_payer_en_ligne": any(
                getattr(f.prenotification, "etat", "") != "prevu"  # type: ignore[attr-defined]
                for f in a_regler
            ),
            "annees_attestations": annees_avec_paiements(famille),
        },
    )


@login_required
@fonctionnalite_requise(FACTURES)
def attestation_pdf(request: HttpRequest, annee: int) -> HttpResponse:
    """L'attestation de frais de garde d'une année où la famille a payé ; 404 sinon."""
    famille = famille_courante(request)
    if annee not in annees_avec_paiements(famille):
        raise Http404
    attestation = attestation_frais_garde(famille=famille, annee=annee)
    return reponse_pdf(pdf_attestation(attestation), attestation.nom_fichier)


@login_required
@fonctionnalite_requise(FACTURES)
def facture_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    facture = get_for_famille(request, Facture, pk=pk)
    return reponse_pdf(pdf_facture(facture), f"facture-{facture.numero}.pdf")


@login_required
@fonctionnalite_requise(FACTURES)
@require_POST
def facture_recevoir(request: HttpRequest, pk: int) -> HttpResponse:
    famille = famille_courante(request)
    facture = get_for_famille(request, Facture, pk=pk)
    try:
        facture_demander_duplicata(famille=famille, facture=facture, auteur=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Votre demande de duplicata de la facture {facture.numero} est envoyée. "
            "Vous la recevrez par e-mail une fois la demande traitée.",
        )
    return redirect("facturation:factures")


@page_famille()
@fonctionnalite_requise(FACTURES)
def reglements(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    return render(
        request,
        "facturation/reglements.html",
        {
            "reglements": reglements_famille(famille),
            "recus_en_attente": cibles_en_attente(famille, RECU),
        },
    )


@login_required
@fonctionnalite_requise(FACTURES)
def reglement_recu_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    reglement = get_for_famille(request, Reglement, pk=pk)
    return reponse_pdf(pdf_recu(reglement), f"recu-reglement-{reglement.numero}.pdf")


@login_required
@fonctionnalite_requise(FACTURES)
@require_POST
def reglement_recevoir(request: HttpRequest, pk: int) -> HttpResponse:
    famille = famille_courante(request)
    reglement = get_for_famille(request, Reglement, pk=pk)
    try:
        reglement_demander_recu(famille=famille, reglement=reglement, auteur=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Votre demande de reçu du règlement n°{reglement.numero} est envoyée. "
            "Vous le recevrez par e-mail une fois la demande traitée.",
        )
    return redirect("facturation:reglements")


@page_famille()
@fonctionnalite_requise(FACTURES)
def releve(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    aujourdhui = timezone.localdate()
    annees = annees_du_releve(famille, aujourdhui)
    try:
        annee = int(request.GET.get("annee", annee_scolaire(aujourdhui).rentree))
    except ValueError:
        annee = annee_scolaire(aujourdhui).rentree
    if annee not in annees:
        annee = annees[0]
    return render(
        request,
        "facturation/releve.html",
        {"releve": releve_de_compte(famille, annee), "annees": annees},
    )


# --- Paiement en ligne ---------------------------------------------------------------


def _acces(request: HttpRequest) -> AccesPayfip:
    return acces_payfip(request.build_absolute_uri("/").rstrip("/"))


@login_required
@fonctionnalite_requise(FACTURES)
@require_http_methods(["GET", "POST"])
def paiement(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    if not fonctionnalite_active(PAIEMENT_EN_LIGNE):
        return render(request, "facturation/paiement_coupe.html")
    payables = list(factures_payables(famille))
    form = PaiementEnLigneForm(request.POST or None, factures=payables)
    if request.method == "POST" and form.is_valid():
        email = famille.email or request.user.email
        if not email:
            form.add_error(
                None,
                "PayFiP envoie son ticket par e-mail : indiquez d'abord une adresse e-mail "
                "dans vos renseignements.",
            )
        else:
            try:
                _tx, url = paiement_commencer(
                    famille=famille,
                    factures_ids=form.cleaned_data["factures"],
                    email=email,
                    acces=_acces(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(url)
    coches = {int(x) for x in form["factures"].value() or [] if str(x).isdigit()}
    if request.method == "GET":
        coches = {f.pk for f in payables if not f.paiement_en_cours}  # type: ignore[attr-defined]
    return render(
        request,
        "facturation/paiement.html",
        {
            "form": form,
            "factures": payables,
            "coches": coches,
            "total": sum((f.reste for f in payables if f.pk in coches), Decimal("0.00")),  # type: ignore[attr-defined]
        },
    )


def _idop(request: HttpRequest) -> str:
    return request.POST.get("idOp") or request.GET.get("idOp") or request.GET.get("idop") or ""


def _notifications_de_trop(request: HttpRequest) -> bool:
    """Vrai au-delà de PAYFIP_NOTIFICATIONS_PAR_MINUTE appels depuis une adresse cette minute.

    Un compteur par adresse et par minute dans le cache partagé (Redis en production) : tous
    les processus gunicorn comptent ensemble. L'adresse est celle que retient allauth pour ses
    propres limites (« mot de passe oublié »).
    """
    adresse = get_adapter().get_client_ip(request)
    cle = f"payfip-notification:{adresse}:{int(time.time() // 60)}"
    cache.add(cle, 0, timeout=120)
    try:
        appels = cache.incr(cle)
    except ValueError:  # clé expirée entre add et incr
        cache.set(cle, 1, timeout=120)
        appels = 1
    return appels > settings.PAYFIP_NOTIFICATIONS_PAR_MINUTE


@csrf_exempt
@require_POST
def paiement_notification(request: HttpRequest) -> HttpResponse:
    """Appelée par PayFiP de serveur à serveur ; le résultat est redemandé à PayFiP.

    Une référence inconnue est journalisée sans rien demander à PayFiP (paiement_verifier). Au
    delà de la limite par adresse, 429 : rien n'est perdu, le retour du navigateur et la
    vérification périodique redemandent le résultat à PayFiP.
    """
    if _notifications_de_trop(request):
        reponse = HttpResponse(
            "Trop de notifications depuis cette adresse : réessayez dans une minute.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        reponse["Retry-After"] = "60"
        return reponse
    paiement_verifier(idop=_idop(request), source="notification", acces=_acces(request))
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def paiement_retour(request: HttpRequest) -> HttpResponse:
    """Le navigateur revient de PayFiP ; on ne croit pas ce qu'il apporte, on vérifie."""
    tx = paiement_verifier(idop=_idop(request), source="retour", acces=_acces(request))
    if tx is None:
        return redirect("facturation:factures")
    return redirect("facturation:paiement_resultat", jeton=tx.jeton)


@login_required
@fonctionnalite_requise(FACTURES)
def paiement_resultat(request: HttpRequest, jeton: str) -> HttpResponse:
    tx = get_for_famille(
        request, TransactionPaiement.objects.select_related("reglement", "regie"), jeton=jeton
    )
    return render(
        request, "facturation/paiement_resultat.html", {"tx": tx, "etats": EtatTransaction}
    )
