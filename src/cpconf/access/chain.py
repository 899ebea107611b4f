"""The hash chain under the access log and the audit history (security note §2.2).

Each entry carries ``entry_hash = HMAC-SHA256(key, canonical_json(entry) + previous_hash)``, where
``previous_hash`` is the hash of the entry before it (64 zeros for the first). The key comes from the
environment (``CPCONF_AUDIT_KEY``), never from the database, so someone who can change the database but
not read the key cannot rewrite an entry and recompute the hashes after it. ``key_id`` names the key
that signed an entry, so that entries signed before a key rotation still verify with the old key
(``CPCONF_AUDIT_OLD_KEYS``).

``append`` serialises writers on the chain's head row: on PostgreSQL ``SELECT ... FOR UPDATE`` makes a
second writer wait until the first commits; on SQLite every write transaction is ``BEGIN IMMEDIATE``
(settings), which already lets only one writer in at a time.

``verify`` recomputes a chain and names its first broken entry; a checkpoint of the heads, written to
storage outside the database and signed with the key, also catches a tail cut off the end.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from cpconf import clock
from cpconf.access.models import AccessEntry, AuditEntry, ChainedEntry, ChainHead

GENESIS_HASH = "0" * 64

# The chains, by name. The name is part of every hash, so an entry cannot be moved to the other table.
CHAINS: dict[str, type[ChainedEntry]] = {"audit": AuditEntry, "access": AccessEntry}
CHAIN_TITLES = {"audit": "Audit chain", "access": "Access log chain"}

# Columns that are not part of what is signed: the database's own row number, and the hashes themselves.
_UNSIGNED = {"id", "previous_hash", "entry_hash"}


def chain_name(model: type[ChainedEntry]) -> str:
    for name, chained in CHAINS.items():
        if chained is model:
            return name
    raise ValueError(f"{model.__name__} is not a chained log.")


# Keys


def key_id(key: bytes) -> str:
    """A short public name for a key, derived from it; it reveals nothing useful about the key."""
    return hmac.new(key, b"cpconf audit key id", hashlib.sha256).hexdigest()[:16]


def current_key() -> tuple[str, bytes]:
    """The key that signs new entries and checkpoints, and its id."""
    raw = getattr(settings, "CPCONF_AUDIT_KEY", "")
    if not raw:
        raise ImproperlyConfigured("CPCONF_AUDIT_KEY is not set: the audit history cannot be signed.")
    key = raw.encode("utf-8")
    return key_id(key), key


def known_keys() -> dict[str, bytes]:
    """Every key that may have signed an entry: the current one and the retired ones, by id."""
    keys = {}
    for raw in getattr(settings, "CPCONF_AUDIT_OLD_KEYS", []):
        key = raw.encode("utf-8")
        keys[key_id(key)] = key
    current_id, current = current_key()
    keys[current_id] = current
    return keys


# Hashing


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    return value


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8. Dates and UUIDs as ISO text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_safe, allow_nan=False
    ).encode("utf-8")


def signed_fields(entry: ChainedEntry) -> dict[str, Any]:
    """What an entry's hash covers: every column but the row number and the hashes, and the chain name."""
    fields: dict[str, Any] = {"chain": chain_name(type(entry))}
    for field in entry._meta.concrete_fields:
        if field.name in _UNSIGNED:
            continue
        fields[field.attname] = _json_safe(getattr(entry, field.attname))
    return fields


def compute_hash(key: bytes, fields: Mapping[str, Any], previous_hash: str) -> str:
    return hmac.new(key, canonical_json(fields) + previous_hash.encode("ascii"), hashlib.sha256).hexdigest()


def entry_hash_of(entry: ChainedEntry, key: bytes) -> str:
    return compute_hash(key, signed_fields(entry), entry.previous_hash)


# Appending


def _locked_head(name: str) -> ChainHead:
    """The chain's head row, locked until the end of the transaction; created on first use."""
    head = ChainHead.objects.select_for_update().filter(chain=name).first()
    if head is not None:
        return head
    # First use (or the head row was lost): start from the newest entry, so the chain carries on.
    newest = CHAINS[name]._default_manager.order_by("-sequence").values_list("sequence", "entry_hash").first()
    sequence, entry_hash = newest if newest is not None else (0, GENESIS_HASH)
    try:
        with transaction.atomic():
            ChainHead.objects.create(chain=name, sequence=sequence, entry_hash=entry_hash)
    except IntegrityError:
        pass  # another writer created it first: lock theirs
    return ChainHead.objects.select_for_update().get(chain=name)


def append[E: ChainedEntry](entry: E) -> E:
    """Sign ``entry`` onto the end of its chain and insert it, in the caller's transaction if any."""
    name = chain_name(type(entry))
    signing_key_id, key = current_key()
    with transaction.atomic():
        head = _locked_head(name)
        entry.sequence = head.sequence + 1
        entry.recorded_at = clock.now()
        entry.key_id = signing_key_id
        entry.previous_hash = head.entry_hash
        # Sign the values as the database will give them back (a UUID typed as text, say), so that
        # verification recomputes the same hash from the stored row.
        for field in entry._meta.concrete_fields:
            if not field.primary_key:
                setattr(entry, field.attname, field.to_python(getattr(entry, field.attname)))
        entry.entry_hash = entry_hash_of(entry, key)
        entry.save()
        head.sequence = entry.sequence
        head.entry_hash = entry.entry_hash
        head.save(update_fields=["sequence", "entry_hash"])
    return entry


# Verifying


@dataclass(frozen=True)
class Head:
    sequence: int
    entry_hash: str


@dataclass(frozen=True)
class ChainReport:
    """The outcome of verifying one chain: ``problem`` is None when it is intact."""

    chain: str
    entries: int
    head: Head
    problem: str | None = None
    broken_at: int | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        title = CHAIN_TITLES[self.chain]
        if self.problem is not None:
            return f"{title} BROKEN at entry #{self.broken_at}: {self.problem}"
        if self.entries == 0:
            return f"{title} intact: 0 entries"
        return (
            f"{title} intact: {self.entries} entries, head #{self.head.sequence} {self.head.entry_hash[:12]}"
        )


def _entries(model: type[ChainedEntry]) -> Iterator[ChainedEntry]:
    # In chunks, so that memory stays flat however long the chain.
    return model._default_manager.order_by("sequence").iterator(chunk_size=2000)


def verify_chain(name: str, *, checkpoint: Head | None = None) -> ChainReport:
    """Recompute chain ``name`` from its first entry and report the first entry that is wrong.

    A gap in the sequence is a deleted entry; a ``previous_hash`` that is not the hash of the entry
    before is an inserted or reordered entry; a hash that does not match the entry's contents is an
    edited (or forged) entry. With ``checkpoint`` (a head recorded earlier, outside the database), a
    chain that now ends before it, or no longer holds its hash, has lost its tail.
    """
    keys = known_keys()
    previous = Head(0, GENESIS_HASH)
    count = 0

    def broken(sequence: int, problem: str) -> ChainReport:
        return ChainReport(name, count, previous, problem=problem, broken_at=sequence)

    for entry in _entries(CHAINS[name]):
        expected = previous.sequence + 1
        if entry.sequence != expected:
            missing = (
                f"entry #{expected} was"
                if entry.sequence == expected + 1
                else f"entries #{expected} to #{entry.sequence - 1} were"
            )
            return broken(
                expected,
                f"missing: the sequence jumps from #{previous.sequence} to #{entry.sequence}, "
                f"so {missing} deleted.",
            )
        if entry.previous_hash != previous.entry_hash:
            return broken(
                entry.sequence,
                f"its previous_hash does not match the hash of entry #{previous.sequence}: an entry was "
                "inserted, or entries were reordered.",
            )
        key = keys.get(entry.key_id)
        if key is None:
            return broken(
                entry.sequence,
                f"it was signed with audit key id {entry.key_id!r}, which is not configured: give the "
                "retired key in CPCONF_AUDIT_OLD_KEYS (or the entry is forged).",
            )
        if not hmac.compare_digest(entry_hash_of(entry, key), entry.entry_hash):
            return broken(
                entry.sequence,
                "hash mismatch: its contents are not what was signed, so it was edited "
                "(or written without the audit key).",
            )
        count += 1
        previous = Head(entry.sequence, entry.entry_hash)

    head_row = ChainHead.objects.filter(chain=name).first()
    if head_row is not None and head_row.sequence > previous.sequence:
        return broken(
            previous.sequence + 1,
            f"missing: the chain ends at #{previous.sequence} but its head row says #{head_row.sequence}, "
            "so entries were deleted from the end.",
        )
    if (
        head_row is not None
        and head_row.sequence == previous.sequence > 0
        and head_row.entry_hash != previous.entry_hash
    ):
        return broken(
            previous.sequence,
            "its hash is not the one the chain's head row recorded: the end of the chain was replaced.",
        )
    if checkpoint is not None:
        problem = _against_checkpoint(name, previous, checkpoint)
        if problem is not None:
            return broken(checkpoint.sequence, problem)
    return ChainReport(name, count, previous)


def _against_checkpoint(name: str, head: Head, checkpoint: Head) -> str | None:
    if checkpoint.sequence > head.sequence:
        return (
            f"missing: the checkpoint recorded head #{checkpoint.sequence} but the chain ends at "
            f"#{head.sequence}, so entries were deleted from the end (truncated)."
        )
    if checkpoint.sequence == 0:
        return None
    recorded = (
        CHAINS[name]
        ._default_manager.filter(sequence=checkpoint.sequence)
        .values_list("entry_hash", flat=True)
        .first()
    )
    if recorded is None or not hmac.compare_digest(recorded, checkpoint.entry_hash):
        return (
            f"its hash is not the one the checkpoint recorded ({checkpoint.entry_hash[:12]}): the chain "
            "was rewritten up to this entry and re-signed."
        )
    return None


def current_heads() -> dict[str, Head]:
    """Each chain's newest entry, as stored (not verified)."""
    heads = {}
    for name, model in CHAINS.items():
        newest = model._default_manager.order_by("-sequence").values_list("sequence", "entry_hash").first()
        heads[name] = Head(*newest) if newest is not None else Head(0, GENESIS_HASH)
    return heads


# Checkpoints


class CheckpointError(Exception):
    """A checkpoint file that cannot be read, is malformed, or is not signed with a known key."""


CHECKPOINT_FORMAT = "cpconf-audit-checkpoint/1"


def checkpoint_document(heads: Mapping[str, Head]) -> dict[str, Any]:
    """A signed record of the chain heads, to keep where the database's administrators cannot change it."""
    signing_key_id, key = current_key()
    body: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "written_at": _json_safe(clock.now()),
        "key_id": signing_key_id,
        "chains": {
            name: {"sequence": head.sequence, "entry_hash": head.entry_hash} for name, head in heads.items()
        },
    }
    body["signature"] = hmac.new(key, canonical_json(body), hashlib.sha256).hexdigest()
    return body


def checkpoint_read(text: str) -> tuple[str, dict[str, Head]]:
    """The time and heads of a checkpoint, after checking its signature; ``CheckpointError`` if not."""
    try:
        document = json.loads(text)
    except ValueError:
        raise CheckpointError("it is not a cpconf audit checkpoint (not JSON).") from None
    if not isinstance(document, dict) or document.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError("it is not a cpconf audit checkpoint.")
    signature = document.pop("signature", None)
    key = known_keys().get(str(document.get("key_id")))
    if key is None or not isinstance(signature, str):
        raise CheckpointError("it is not signed with a configured audit key: it may be forged.")
    expected = hmac.new(key, canonical_json(document), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise CheckpointError("its signature does not match its contents: it was forged or altered.")
    try:
        heads = {
            name: Head(int(value["sequence"]), str(value["entry_hash"]))
            for name, value in document["chains"].items()
            if name in CHAINS
        }
        written_at = str(document["written_at"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise CheckpointError("it is signed but incomplete.") from None
    return written_at, heads
