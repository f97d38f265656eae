"""Users in the admin: whether each has two-factor login, and the superuser's action that resets
a lost device (the account enrols again at its next login; the admin log keeps who did it).

django-otp's own device admins are taken out: they would show the secrets of others' devices and
let a device be made with a chosen key; enrolment belongs to the account's owner.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor

User = get_user_model()

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

admin.site.unregister(User)


@admin.register(User)
class CockpitUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "two_factor")
    actions = ("reset_two_factor",)

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(confirmed))

    @admin.display(
        description=_("double authentification"), boolean=True, ordering="-has_two_factor"
    )
    def two_factor(self, user) -> bool:
        return user.has_two_factor

    def has_reset_two_factor_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(
        description=_("Réinitialiser la double authentification (appareil perdu)"),
        permissions=("reset_two_factor",),
    )
    def reset_two_factor(self, request, queryset):
        count = 0
        for user in queryset:
            twofactor.reset_devices(user, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Double authentification réinitialisée pour %(count)d compte : il en choisira "
                "une nouvelle à sa prochaine connexion.",
                "Double authentification réinitialisée pour %(count)d comptes : chacun en "
                "choisira une nouvelle à sa prochaine connexion.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
