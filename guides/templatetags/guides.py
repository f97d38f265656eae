"""``{% help_link "cockpit" %}``: the link from a page to the section of a guide that explains it
(guides/links.py holds the mapping). An unknown page name is an error, not a silent empty link."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from guides.links import HELP_LINKS

register = template.Library()


def help_url(page: str) -> str:
    target = HELP_LINKS[page]
    return f"{reverse('guides:guide', args=[target.guide])}#{target.anchor}"


@register.simple_tag
def help_link(page: str) -> str:
    return format_html(
        '<a class="help-link" href="{}"><span aria-hidden="true">?</span> {}</a>',
        help_url(page),
        _("Aide sur cette page"),
    )
