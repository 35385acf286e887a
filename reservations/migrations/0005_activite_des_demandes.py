"""Renseigne Demande.activite des demandes de réservation et d'absence déjà envoyées."""

from django.db import migrations


def renseigner(apps, schema_editor):
    Demande = apps.get_model("demandes", "Demande")
    Periode = apps.get_model("reservations", "Periode")
    Absence = apps.get_model("reservations", "Absence")
    activites = dict(Periode.objects.values_list("pk", "activite__nom"))
    a_modifier = []
    for demande in Demande.objects.filter(type="reservations", activite="").only("donnees"):
        nom = activites.get((demande.donnees or {}).get("periode"))
        if nom:
            demande.activite = nom
            a_modifier.append(demande)
    Demande.objects.bulk_update(a_modifier, ["activite"], batch_size=1000)
    a_modifier = []
    for demande_id, nom in Absence.objects.filter(
        demande__isnull=False, demande__activite=""
    ).values_list("demande_id", "reservation__unite__activite__nom"):
        a_modifier.append(Demande(pk=demande_id, activite=nom))
    Demande.objects.bulk_update(a_modifier, ["activite"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("demandes", "0004_activite_demande"),
        ("reservations", "0004_rappel_periode"),
    ]

    operations = [migrations.RunPython(renseigner, migrations.RunPython.noop)]
