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
from django.db import DEFAULT_DB_ALIAS, models
from django.utils import timezone

from theodoi.tracking import compiled

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
        """The active user holding the unrevoked token `key` (its profile read with it),
        else None."""
        if not key or not key.startswith(TOKEN_PREFIX):
            return None
        # Every API request asks this: one read, compiled once (`theodoi.tracking.compiled`),
        # the user and its profile made from its row as select_related would make them.
        found = compiled.rows(_token_row, hash_token(key), statics=(self.model,))
        if not found:
            return None
        row = found[0]
        user_model = self.model._meta.get_field("user").related_model
        profile_model = user_model._meta.get_field("profile").related_model
        user = _from_row(user_model, row, "user__")
        if not user.is_active:
            return None
        if row["user__profile__id"] is not None:
            user.profile = _from_row(profile_model, row, "user__profile__")
        # from_db takes the values in the model's field order (id, user, ..., last_used_at).
        token = self.model.from_db(DEFAULT_DB_ALIAS, ["id", "user_id", "last_used_at"],
                                   [row["id"], user.pk, row["last_used_at"]])
        token.touch()
        return user


def _columns(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _token_row(token_model: Any, key_hash: str) -> Any:
    """The unrevoked token of `key_hash`, its user's fields and its user's profile's."""
    user_model = token_model._meta.get_field("user").related_model
    profile_model = user_model._meta.get_field("profile").related_model
    # key_hash is unique: no ORDER BY, no LIMIT.
    return token_model.objects.active().filter(key_hash=key_hash).order_by().values(
        "id", "last_used_at", *(f"user__{n}" for n in _columns(user_model)),
        *(f"user__profile__{n}" for n in _columns(profile_model)))


def _from_row(model: Any, row: dict[str, Any], prefix: str) -> Any:
    """An instance of `model` from its fields in `row` under `prefix`, as the ORM loads it."""
    names = _columns(model)
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[prefix + n] for n in names])


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
