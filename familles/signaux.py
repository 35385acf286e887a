"""Les événements du dossier famille que d'autres applications écoutent.

familles ne connaît que demandes : l'application qui a besoin de réagir (la facturation, pour
les mandats de prélèvement) s'abonne dans son module branchement.py.
"""

from django.dispatch import Signal

# Envoyé dans la transaction qui applique une demande acceptée ayant changé les coordonnées
# bancaires ou le souhait de prélèvement : arguments famille et agent. Une erreur d'un
# récepteur (ValidationError) annule l'application de la demande.
coordonnees_bancaires_modifiees = Signal()
