"""Renamed arguments keep working for one release, with a DeprecationWarning."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

Init = TypeVar("Init", bound=Callable[..., None])


def renamed_arguments(removed_in: str, **renames: str) -> Callable[[Init], Init]:
    """Decorate a constructor so that ``old=value`` still works as ``new=value`` (``renames`` maps old
    names to new ones), with a ``DeprecationWarning`` naming both; passing both is a ``TypeError``.
    The signature, and so type checkers and IDEs, show only the new names."""

    def decorate(init: Init) -> Init:
        @functools.wraps(init)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
            for old, new in renames.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise TypeError(f"{type(self).__name__}: pass {new}= only ({old}= is its old name)")
                warnings.warn(
                    f"{type(self).__name__}({old}=...) is deprecated: use {new}= ({old} is removed in {removed_in})",
                    DeprecationWarning,
                    stacklevel=3,  # the caller, past jsii's metaclass __call__
                )
                kwargs[new] = kwargs.pop(old)
            init(self, *args, **kwargs)

        return wrapper  # type: ignore[return-value]  # same call signature, plus the old names

    return decorate
