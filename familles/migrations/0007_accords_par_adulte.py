"""L'accord e-mail / SMS est celui de chaque adulte : celui du foyer passe à ses adultes."""

from django.db import migrations


def accords_vers_les_adultes(apps, schema_editor):
    """Un foyer qui refusait les e-mails les refusait pour tous ses adultes ; l'accord SMS du
    foyer était celui du responsable principal (son formulaire écrivait sur la famille)."""
    Famille = apps.get_model("familles", "Famille")
    Responsable = apps.get_model("familles", "Responsable")
    refus_email = Famille.objects.filter(accepte_email=False).values("pk")
    Responsable.objects.filter(famille__in=refus_email).update(accepte_email=False)
    for accepte_sms in (True, False):
        Responsable.objects.filter(
            role="responsable",
            famille__in=Famille.objects.filter(accepte_sms=accepte_sms).values("pk"),
        ).update(accepte_sms=accepte_sms)


def accords_vers_le_foyer(apps, schema_editor):
    """Retour arrière : le foyer reprend les accords de son responsable principal."""
    Famille = apps.get_model("familles", "Famille")
    Responsable = apps.get_model("familles", "Responsable")
    principaux = Responsable.objects.filter(role="responsable")
    for champ in ("accepte_email", "accepte_sms"):
        Famille.objects.filter(
            pk__in=principaux.filter(**{champ: True}).values("famille_id")
        ).update(**{champ: True})
        Famille.objects.filter(
            pk__in=principaux.filter(**{champ: False}).values("famille_id")
        ).update(**{champ: False})


class Migration(migrations.Migration):
    dependencies = [
        ("familles", "0006_personnes_autorisees_par_foyer"),
    ]

    operations = [
        migrations.RunPython(accords_vers_les_adultes, accords_vers_le_foyer),
        migrations.RemoveField(model_name="famille", name="accepte_email"),
        migrations.RemoveField(model_name="famille", name="accepte_sms"),
        migrations.RemoveField(model_name="historicalfamille", name="accepte_email"),
        migrations.RemoveField(model_name="historicalfamille", name="accepte_sms"),
    ]
