"""Registries: one mechanism for every kind of named component.

Activations, losses, optimizer rules, stop criteria, metrics, scalers, data formats and
demos are looked up by a string key ('ReLU', 'MSE', 'Adam', 'MaxIterations', ...). A
:class:`Registry` holds the components of one kind in registration order; it is a mapping
(``registry['Adam']``, ``'Adam' in registry``, ``list(registry)``), and :meth:`Registry.get`
takes a registered name *or* a component object, so every API argument accepts both. An
unknown name raises :class:`UnknownNameError`, whose message lists the valid ones.

Layer and model classes, which model files name, live in a :class:`ClassRegistry`: keyed by
qualified name (module and class), so that a second class with the same short name never
silently replaces the first.
"""

from collections.abc import MutableMapping
from dataclasses import replace

__all__ = ["UnknownNameError", "Registry", "ClassRegistry", "qualified_name"]


class UnknownNameError(KeyError, ValueError):
    """A name that is not registered. Both a ``KeyError`` (for dict lookups) and a ``ValueError``
    (for a bad argument), with a message that lists the valid names."""

    def __init__(self, kind, name, valid):
        super().__init__(f"unknown {kind} {name!r}; valid choices are {list(valid)}")

    def __str__(self):
        return self.args[0]


class Registry(MutableMapping):
    """Components of one kind, keyed by name, in registration order.

    Args:
        kind: what the components are, for error messages ("activation", "loss", ...).
        items: optional initial ``name -> component`` entries.
        accepts: optional predicate telling a component object from a name, so that
            :meth:`get` passes objects through.
        fallback: optional ``name -> component or None`` consulted for names not registered
            (e.g. a component derived from another registry's entry).
    """

    def __init__(self, kind, items=None, accepts=None, fallback=None):
        self.kind = kind
        self._items = dict(items or {})
        self._accepts, self._fallback = accepts, fallback

    def __getitem__(self, name):
        try:
            return self._items[name]
        except (KeyError, TypeError):
            found = self._fallback(name) if self._fallback is not None else None
            if found is None:
                raise UnknownNameError(self.kind, name, self._items) from None
            return found

    def __setitem__(self, name, item):
        self._items[name] = item

    def __delitem__(self, name):
        del self._items[name]

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __contains__(self, name):
        try:
            return name in self._items
        except TypeError:  # an unhashable object is no name
            return False

    def __repr__(self):
        return f"Registry({self.kind!r}, {list(self._items)})"

    def names(self):
        """The registered names, in registration order."""
        return list(self._items)

    def get(self, key, default=None):
        """The component named ``key``, or ``key`` itself when it is a component object.

        Raises:
            UnknownNameError: an unknown name, unless a ``default`` is given.
        """
        if self._accepts is not None and self._accepts(key):
            return key
        if default is not None and key not in self:
            return default
        return self[key]

    def add(self, name, item):
        """Register ``item`` as ``name``; returns it."""
        self._items[name] = item
        return item

    def register(self, name=None):
        """Decorator registering a function or class under ``name`` (default: its name)."""
        def decorator(item):
            self.add(name or item.__name__, item)
            return item
        return decorator

    def view(self, field, default_record=None):
        """A ``name -> component.field`` mapping over records (frozen dataclasses); assigning
        to it creates or updates records. The dicts of functions of learninspy 0.1's API
        (``fun_activation``, ``fun_loss``, ...) are such views.

        Args:
            field: attribute of the records shown by the view.
            default_record: ``name -> record`` factory for names assigned before they exist.
        """
        return _FieldView(self, field, default_record)


class _FieldView(MutableMapping):
    def __init__(self, registry, field, default_record):
        self._registry, self._field, self._default = registry, field, default_record

    def __getitem__(self, name):
        value = getattr(self._registry[name], self._field)
        if value is None:
            raise KeyError(name)
        return value

    def __setitem__(self, name, value):
        registry = self._registry
        if name not in registry and self._default is None:
            raise KeyError(f"{name!r} is not a registered {registry.kind}")
        record = registry[name] if name in registry else self._default(name)
        if hasattr(record, "replaced"):  # a record may tie fields together
            registry[name] = record.replaced(self._field, value)
        else:
            registry[name] = replace(record, **{self._field: value})

    def __delitem__(self, name):
        del self._registry[name]

    def __iter__(self):
        return (name for name, record in self._registry.items()
                if getattr(record, self._field) is not None)

    def __len__(self):
        return sum(1 for _ in self)

    def __repr__(self):
        return "{" + ", ".join(f"{name!r}: {self[name]!r}" for name in self) + "}"


def qualified_name(cls):
    """'module.Class' of a class: what model files store to name it."""
    return f"{cls.__module__}.{cls.__qualname__}"


class ClassRegistry:
    """Classes of one kind (layers, models), keyed by qualified name.

    Defining a subclass registers it (the base class's ``__init_subclass__`` calls
    :meth:`register`); model files name classes by qualified name. A short name is resolved
    only when it is unambiguous -- one class of that name, or one among learninspy's own --
    which is how files of learninspy 0.2, which stored short names, still load.
    """

    def __init__(self, kind):
        self.kind = kind
        self._classes = {}

    def register(self, cls, name=None):
        """Register ``cls`` under its qualified name (or ``name``, the one it had where it
        was defined, for a class rebuilt by unpickling)."""
        self._classes[name or qualified_name(cls)] = cls
        return cls

    def unregister(self, cls):
        """Forget ``cls``, under every name it was registered as."""
        for name in [name for name, known in self._classes.items() if known is cls]:
            del self._classes[name]

    def short_names(self):
        """The short names of the registered classes, sorted."""
        return sorted({cls.__name__ for cls in self._classes.values()})

    def resolve(self, name):
        """The class registered under a qualified name (or an unambiguous short one).

        Raises:
            ValueError: no such class is registered, or a short name is ambiguous.
        """
        if name in self._classes:
            return self._classes[name]
        candidates = [cls for cls in self._classes.values() if cls.__name__ == name]
        own = [cls for cls in candidates if cls.__module__.startswith("learninspy.")]
        if len(candidates) == 1 or len(own) == 1:
            return candidates[0] if len(candidates) == 1 else own[0]
        if candidates:
            raise ValueError(f"the {self.kind} {name!r} is ambiguous: "
                             f"{sorted(map(qualified_name, candidates))} are defined")
        raise ValueError(f"unknown {self.kind} {name!r}; defined {self.kind}es are "
                         f"{self.short_names()}")

    def __contains__(self, name):
        return name in self._classes
