"""Les pièces transmises (un type de demande), leur page et leur bloc de l'accueil, l'audience
« activité » et la purge des pièces : ce que ``pieces`` déclare au registre du socle."""

from portail.noyau import registre

from . import conservation, demo, selectors, services, views

registre.brancher(
    registre.Branchement(
        application="pieces",
        types_demande=(
            registre.TypeDemande(
                code=services.TYPE_DEMANDE,
                libelle="Pièce transmise",
                filtre="Pièces",
                appliquer=services.piece_appliquer,
                refuser=services.piece_refuser,
                annuler=services.piece_annuler,
                decrire=services.piece_decrire,
            ),
        ),
        menu=(registre.EntreeMenu(50, "Pièces", "pieces:liste", views.PIECES),),
        accueil=(
            registre.BlocAccueil(50, "pieces/accueil_bloc.html", views.bloc_accueil, views.PIECES),
        ),
        audiences=(
            registre.Audience(
                code="activite",
                libelle="Les familles ayant un enfant inscrit à une activité",
                choix=selectors.choix_activites,
                familles=selectors.familles_inscrites,
            ),
        ),
        conservation=conservation.regles,
        demo=demo.charger,
        interrupteurs=(registre.Interrupteur(views.PIECES, "Pièces justificatives"),),
    )
)
