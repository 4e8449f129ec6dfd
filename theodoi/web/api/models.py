"""API tokens: a user's key to the HTTP API, of which only a hash is stored.

A token is shown once, when it is created (`theodoi api-token create USERNAME`); the
database keeps its SHA-256 and a short prefix to tell tokens apart. A token is 32 random
bytes, so a plain hash is enough: there is nothing to guess and no password to stretch.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "td_"  # noqa: S105 (a marker that says "theodoi token", not a secret)
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
# Writing the last use on every request would turn each read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


def hash_token(key: str) -> str:
    """The SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def issue(self, user: Any, name: str = "") -> tuple[ApiToken, str]:
        """A new token for `user`: the stored row and the key, which is never stored."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = self.create(
            user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_token(key)
        )
        return token, key

    def user_for(self, key: str) -> Any:
        """The active user holding the unrevoked token `key`, else None."""
        if not key or not key.startswith(TOKEN_PREFIX):
            return None
        # key_hash is unique: no ORDER BY for `first()` to add.
        token = next(iter(
            self.active()
            .select_related("user", "user__profile")
            .filter(key_hash=hash_token(key))
            .order_by()[:1]
        ), None)
        if token is None or not token.user.is_active:
            return None
        token.touch()
        return token.user


class ApiToken(models.Model):
    """One key to the API, held by one user; revoked rather than deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ("user", "created_at", "id")
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def touch(self) -> None:
        """Record that the token was used now (at most once a minute)."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= TOUCH_INTERVAL:
            self.last_used_at = now
            # An UPDATE without save()'s signals: the audit log leaves last_used_at out
            # (SECRET_FIELDS), so its pre-save read of the old row only found nothing to log.
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)

    def revoke(self) -> None:
        """Refuse this token from now on."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
