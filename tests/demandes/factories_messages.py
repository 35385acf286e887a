import factory
from factory.django import DjangoModelFactory

from demandes.models import Direction, Message


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = Message

    direction = Direction.MAIRIE_VERS_FAMILLE
    sujet = factory.Sequence(lambda n: f"Sujet {n}")
    texte = "Bonjour, voici une information."
