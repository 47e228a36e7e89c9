import copy

from django.db import models
from django.utils.translation import gettext_lazy as _

from sinovda import methodology

# Parsed specs shared by every instance of the same edition row (pk -> (document, spec)): a page
# or an export that reads many reports gets one Edition instance per report, and parsing a
# document takes milliseconds. A cached spec is used only while the document is equal.
_SPECS: dict[int, tuple[dict, "methodology.Edition"]] = {}


class EditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Edition.Status.PUBLISHED)


class Edition(models.Model):
    """One year's pedoman, stored as the same document as the edition's TOML file.

    The whole edition is one validated JSON document (see docs/decisions.md): the engine's validator
    applies unchanged, a clone is a copy, and provenance stays next to every value.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Diterbitkan")

    year = models.PositiveSmallIntegerField(_("Tahun"), unique=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    data = models.JSONField()
    origin = models.CharField(_("Asal"), max_length=200)
    # True once someone changed the document in the product; then `load_editions` leaves it alone.
    edited = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("Edisi pedoman")
        verbose_name_plural = _("Edisi pedoman")

    def __str__(self):
        return self.data.get("label") or f"IID {self.year}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def spec(self) -> "methodology.Edition":
        """The engine's view of this edition (validated; cached per instance)."""
        cached = getattr(self, "_spec", None)
        if cached is None or cached[0] != self.data:
            shared = _SPECS.get(self.pk) if self.pk else None
            if shared is not None and shared[0] == self.data:
                cached = shared
            else:
                spec = methodology.parse_edition(self.data, origin=f"edisi {self.year}")
                cached = (copy.deepcopy(self.data), spec)
                if self.pk:
                    _SPECS[self.pk] = cached
            self._spec = cached
        return cached[1]
