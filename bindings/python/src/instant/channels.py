"""Channels, users and authorization (django-instant's model) and the bundle
the login / get_token / subscribe endpoints answer.

A Registry is the host's channel table; every method may be called from many
threads at once. for_user() applies django-instant's rule (docs/channels.md):
only active channels; public and users channels for every authenticated user;
staff channels need staff, superuser channels need superuser; a channel
listing one of the user's groups goes to that user whatever its level.
"""
from __future__ import annotations

import ctypes
import enum
import json
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple

from . import _native as n
from ._native import b, check, lib
from .tokens import Signer

__all__ = ["Level", "Channel", "User", "Registry", "bundle", "validate_channel", "channel_namespace",
           "private_name"]


class Level(str, enum.Enum):
    """Who may use a channel."""

    PUBLIC = "public"
    USERS = "users"
    GROUPS = "groups"
    STAFF = "staff"
    SUPERUSER = "superuser"

    def __str__(self) -> str:
        return self.value


_SERVER_SIDE = {"off": 0, "channels": 1, "subs": 2}


def _level(level: Any) -> int:
    out = ctypes.c_int()
    check(lib.instant_level_from_name(ctypes.byref(out), b(str(level))))
    return out.value


class Channel(NamedTuple):
    """A registered channel."""

    name: str
    level: Level
    groups: Tuple[str, ...] = ()
    active: bool = True

    @classmethod
    def from_json(cls, obj: Dict[str, Any]) -> "Channel":
        return cls(obj["name"], Level(obj.get("level", "superuser")), tuple(obj.get("groups", ())),
                   bool(obj.get("active", True)))


class User(n.Handle):
    """A host user in instant's terms: id (the JWT sub) or None for anonymous,
    staff, superuser and group names."""

    _free = lib.instant_user_free

    def __init__(self, id: Optional[str] = None, *, staff: bool = False, superuser: bool = False,
                 groups: Iterable[str] = ()) -> None:
        if id is None:
            self._adopt(n.new_handle(lib.instant_user_new_anonymous))
        else:
            self._adopt(n.new_handle(lib.instant_user_new, b(id)))
        self.id = id
        self.staff = bool(staff)
        self.superuser = bool(superuser)
        self.groups = tuple(groups)
        if staff:
            check(lib.instant_user_set_staff(self._h, 1))
        if superuser:
            check(lib.instant_user_set_superuser(self._h, 1))
        for g in self.groups:
            check(lib.instant_user_add_group(self._h, b(g)))

    def __repr__(self) -> str:
        return (f"User({self.id!r}, staff={self.staff}, superuser={self.superuser}, groups={list(self.groups)})")

    def _release(self) -> ctypes.c_void_p:
        """Hands the C object over to the library (which frees it)."""
        h = self._ptr
        self._h = None
        return h


class Registry(n.Handle):
    """The host's channel table. prefix_private=True stores every non-public
    channel added under its private "$" name; allow_non_ascii accepts names a
    namespace's channel_regex allows."""

    _free = lib.instant_registry_free

    def __init__(self, *, prefix_private: bool = False, allow_non_ascii: bool = False) -> None:
        flags = (1 if prefix_private else 0) | (2 if allow_non_ascii else 0)
        self._adopt(n.new_handle(lib.instant_registry_new, flags))

    @classmethod
    def from_file(cls, path: str, **kwargs: Any) -> "Registry":
        """A registry loaded from a {"channels":[...]} file (as `instant channels add` writes)."""
        reg = cls(**kwargs)
        reg.load(path)
        return reg

    def add(self, name: str, level: Any = Level.SUPERUSER, groups: Iterable[str] = (), active: bool = True) -> str:
        """Adds a channel; returns the stored name. AlreadyExists when taken."""
        names = [b(g) for g in groups]
        out = ctypes.c_void_p()
        check(lib.instant_registry_add(ctypes.byref(out), self._ptr, b(name), _level(level), n.strv(names),
                                       len(names), int(bool(active))))
        return n.take_string(out)

    def update(self, name: str, level: Any, groups: Iterable[str] = (), active: bool = True) -> None:
        """Replaces the channel of that name. NotFound otherwise."""
        names = [b(g) for g in groups]
        check(lib.instant_registry_update(self._ptr, b(name), _level(level), n.strv(names), len(names),
                                          int(bool(active))))

    def remove(self, name: str) -> None:
        """Removes a channel by exact name. NotFound otherwise."""
        check(lib.instant_registry_remove(self._ptr, b(name)))

    def find(self, name: str) -> Channel:
        """The channel of that name. NotFound otherwise."""
        return Channel.from_json(n.call_json(lib.instant_registry_find, self._ptr, b(name)))

    def __len__(self) -> int:
        return int(lib.instant_registry_size(self._ptr))

    def __iter__(self) -> Iterator[Channel]:
        return iter(self.channels())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(c.name == name for c in self.channels())

    def channels(self) -> List[Channel]:
        """Every channel, in order (a snapshot)."""
        return [Channel.from_json(c) for c in json.loads(self.to_json())["channels"]]

    def to_json(self) -> str:
        """The registry as {"channels":[...]} JSON text."""
        return n.call_string(lib.instant_registry_to_json, self._ptr)

    def load_json(self, text: n.Text) -> None:
        """Replaces the contents with the JSON text; nothing changes on error."""
        check(lib.instant_registry_load_json(self._ptr, b(text)))

    def load(self, path: str) -> None:
        """load_json of a file (StorageError when unreadable)."""
        check(lib.instant_registry_load(self._ptr, b(path)))

    def save(self, path: str) -> None:
        """Writes the registry atomically to path."""
        check(lib.instant_registry_save(self._ptr, b(path)))

    def for_user(self, user: User, *, anonymous_public: bool = False) -> List[Channel]:
        """The channels user may use, deduplicated, in order. anonymous_public
        gives anonymous users the public channels."""
        obj = n.call_json(lib.instant_registry_for_user, self._ptr, user._ptr, int(anonymous_public))
        return [Channel.from_json(c) for c in obj["channels"]]

    def explain(self, user: User, *, anonymous_public: bool = False) -> List[Dict[str, Any]]:
        """One decision per channel: [{"channel","allowed","reason"}]."""
        return n.call_json(lib.instant_registry_explain, self._ptr, user._ptr, int(anonymous_public))

    def is_authorized(self, user: User, channel: str, *, anonymous_public: bool = False) -> bool:
        """Whether user may use the registered channel (NotFound when unregistered)."""
        allowed = ctypes.c_int()
        check(lib.instant_registry_is_authorized(ctypes.byref(allowed), self._ptr, user._ptr, b(channel),
                                                 int(anonymous_public)))
        return bool(allowed.value)


def bundle(signer: Signer, registry: Registry, user: User, csrf_token: str, *, lifetime: int = 86400,
           server_side: str = "off", anonymous_public: bool = False) -> Dict[str, Any]:
    """django-instant's endpoint payload {"csrf_token","ws_token","channels":
    [{"name","level","token"}]} for user's channels, tokens valid lifetime
    seconds. server_side "channels"/"subs" puts the channels into the
    connection token instead. Forbidden for an anonymous user unless
    anonymous_public. Holds tokens: keep it out of logs."""
    if server_side not in _SERVER_SIDE:
        raise ValueError(f"server_side must be one of {sorted(_SERVER_SIDE)}, not {server_side!r}")
    return n.call_json(lib.instant_bundle_json, signer._ptr, registry._ptr, user._ptr, b(csrf_token), lifetime,
                       _SERVER_SIDE[server_side], int(anonymous_public))


def validate_channel(name: str) -> None:
    """Checks name against Centrifugo's default channel rules (InvalidArgument, kind invalid_channel)."""
    check(lib.instant_channel_validate(b(name)))


def channel_namespace(name: str) -> str:
    """The namespace of a channel name ("chat" for "$chat:room", "" if none)."""
    return n.call_string(lib.instant_channel_namespace, b(name))


def private_name(name: str) -> str:
    """The private form of a channel name ("$" + name unless it starts with "$")."""
    return n.call_string(lib.instant_channel_private_name, b(name))
