from django.urls import path

from . import views_messages as vues

urlpatterns = [
    path("messages/", vues.boite, name="messages"),
    path("messages/ecrire/", vues.ecrire, name="message_ecrire"),
    path("messages/<int:pk>/", vues.detail, name="message"),
    path("messages/<int:pk>/supprimer/", vues.supprimer, name="message_supprimer"),
    path("messages/<int:pk>/restaurer/", vues.restaurer, name="message_restaurer"),
    path("messages/<int:pk>/piece-jointe/", vues.piece_jointe, name="message_piece_jointe"),
]
