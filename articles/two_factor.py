"""
Two-factor sign-in for staff, on django-otp.

Who gives a code after the password: anyone who can publish (editors, superusers),
any staff member who has enrolled, and every writer when
MAGAZINE_2FA_REQUIRED_FOR_WRITERS is on. Enrolling adds an authenticator app (a TOTP
device, confirmed by its first code) and ten one-time recovery codes (a static
device), shown once. The admin site (articles/admin_site.py) asks for the code and
keeps a session that has not given one out of every admin page.

django-otp throttles each device on its own (1, 2, 4, ... seconds after successive
wrong codes); the admin's lockout counts wrong codes per account on top of that.
"""

import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django_otp import user_has_device, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles
from .addresses import address

RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def is_verified(user):
    """Whether this session gave a code (django-otp's OTPMiddleware tells)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def must_enrol(user):
    """Whether this staff member may not use the admin without two-factor sign-in."""
    return user.is_staff and (roles.can_publish(user) or settings.MAGAZINE_2FA_REQUIRED_FOR_WRITERS)


def needs_second_step(user):
    """Whether signing in as `user` takes a code as well as the password."""
    return must_enrol(user) or user_has_device(user)


def has_device(user):
    """Whether `user` has an app or recovery codes to give a code from."""
    return user_has_device(user)


def has_app(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_app(user):
    """The authenticator app being enrolled: one secret per user until it is confirmed,
    so reloading the page does not undo a scan."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def secret_for_typing(device):
    """The secret in base 32, in groups of four, for apps set up by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device):
    """The app's setup address as an SVG element, drawn here (no image service)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathFillImage,  # SvgPathImage on white
        box_size=12,
    )
    return image.to_string(encoding="unicode")


def confirm_app(device, code):
    """Confirm a pending app with a code it shows; (recovery codes, seconds to wait).

    The codes are None when `code` is refused; they are kept only as django-otp
    keeps them, so show them at once.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed:
            return None, 0
        if wait := _wait(device):
            return None, wait
        if not device.verify_token(_normalise(code)):
            return None, 0
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return replace_recovery_codes(device.user), 0


def replace_recovery_codes(user):
    """Ten new one-time recovery codes for `user`; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = set()
        while len(codes) < RECOVERY_CODE_COUNT:
            codes.add(StaticToken.random_token())
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return sorted(codes)


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_recovery_device(device):
    return isinstance(device, StaticDevice)


def verify(user, code):
    """Check a code from the app or a recovery code: (the device that took it, or None;
    seconds to wait first when the device is throttled after wrong codes)."""
    code = _normalise(code)
    model = TOTPDevice if re.fullmatch(r"\d{6}", code) else StaticDevice
    wait = 0
    for device in model.objects.devices_for_user(user, confirmed=True):
        if device_wait := _wait(device):
            wait = max(wait, device_wait)
        elif accepted := verify_token(user, device.persistent_id, code):
            return accepted, 0
    return None, wait


def _normalise(code):
    return "".join(code.split()).replace("-", "").lower()


def _wait(device):
    """Seconds before django-otp lets `device` check a code again (0: now)."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    until = (details or {}).get("locked_until")
    return max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1


def has_staff_powers(user):
    """Whether `user` keeps their account's powers: signed in, and past the code if they
    need one. Readers' accounts need none, so their pages look nothing up for it."""
    if not user.is_authenticated:
        return False
    if not (user.is_staff or user.is_superuser):
        return True
    return is_verified(user) or not needs_second_step(user)


class UnverifiedStaffAreGuestsMiddleware:
    """A session that gave the password but not yet the code is a guest outside the admin.

    Otherwise a phished password alone would preview drafts, moderate comments and
    comment with a "staff" mark on the public site. In the admin the real user stays,
    so that the admin site can ask for the code (and nothing else).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(address("admin:index")):
            user = request.user
            request.user = SimpleLazyObject(
                lambda: (
                    user if not user.is_authenticated or has_staff_powers(user) else AnonymousUser()
                )
            )
        return self.get_response(request)
