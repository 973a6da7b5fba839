"""Name -> component registries with one lookup and one error message.

Activations, losses, optimizers, stop criteria and metrics are all looked up by a string key
('ReLU', 'MSE', 'Adam', 'MaxIterations', 'F-measure'). A :class:`Registry` keeps the records of
one kind; :meth:`Registry.get` resolves a key and, for an unknown one, raises a ``ValueError``
that lists the valid keys. :meth:`Registry.view` gives a dict-like view of one field of the
records, which is how the documented dicts (``fun_activation``, ``fun_loss``, ...) are exposed.
"""

from collections.abc import MutableMapping
from dataclasses import replace


class UnknownNameError(KeyError, ValueError):
    """A name that is not registered. Both a ``KeyError`` (for dict lookups) and a ``ValueError``
    (for a bad argument), with a message that lists the valid names."""

    def __init__(self, kind, name, valid):
        super().__init__(f"unknown {kind} {name!r}; valid choices are {list(valid)}")

    def __str__(self):
        return self.args[0]


class NamedDict(dict):
    """A plain dict whose missing keys raise :class:`UnknownNameError`."""

    def __init__(self, kind, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def __missing__(self, name):
        raise UnknownNameError(self.kind, name, self)


class Registry:
    """Records of one kind of component, keyed by name, in registration order.

    Args:
        kind: what the records are, used in error messages ("activation", "loss", ...).
    """

    def __init__(self, kind):
        self.kind = kind
        self._records = {}

    def add(self, name, record):
        self._records[name] = record
        return record

    def names(self):
        return list(self._records)

    def __contains__(self, name):
        return name in self._records

    def get(self, name):
        """The record registered as ``name``.

        Raises:
            UnknownNameError: ``name`` is not registered; the message lists the valid names.
        """
        try:
            return self._records[name]
        except (KeyError, TypeError):
            raise UnknownNameError(self.kind, name, self._records) from None

    def view(self, field, default_record=None):
        """A ``name -> record.field`` mapping; assigning to it creates or updates records.

        Args:
            field: attribute of the records shown by the view.
            default_record: ``name -> record`` factory for names assigned before they exist.
        """
        return _FieldView(self, field, default_record)


class _FieldView(MutableMapping):
    def __init__(self, registry, field, default_record):
        self._registry, self._field, self._default = registry, field, default_record

    def __getitem__(self, name):
        value = getattr(self._registry._records[name], self._field)
        if value is None:
            raise KeyError(name)
        return value

    def __setitem__(self, name, value):
        records = self._registry._records
        if name not in records and self._default is None:
            raise KeyError(f"{name!r} is not a registered {self._registry.kind}")
        record = records.get(name) or self._default(name)
        if hasattr(record, "replaced"):  # a record may tie fields together
            records[name] = record.replaced(self._field, value)
        else:
            records[name] = replace(record, **{self._field: value})

    def __delitem__(self, name):
        del self._registry._records[name]

    def __iter__(self):
        return (name for name, record in self._registry._records.items()
                if getattr(record, self._field) is not None)

    def __len__(self):
        return sum(1 for _ in self)

    def __repr__(self):
        return "{" + ", ".join(f"{name!r}: {self[name]!r}" for name in self) + "}"
