"""A model described as Keras describes it: layer names and the summary table."""

import re

__all__ = ["layer_names", "summary_table"]


def _snake_case(name):
    """Keras's layer naming: 'BatchNormalization' -> 'batch_normalization', 'Conv2D' ->
    'conv2d', 'MaxPool2D' -> 'max_pool2d'."""
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def layer_names(layers):
    """Each layer's name: its own, or '<type>_<k>' numbered per type as Keras does."""
    counts, names = {}, []
    for layer in layers:
        kind = type(layer).__name__
        counts[kind] = counts.get(kind, 0) + 1
        names.append(layer.name or f"{_snake_case(kind)}_{counts[kind]}")
    return names


def summary_table(model):
    """The table of a built model's layers -- output shape, activation (or dropout rate),
    parameter count -- and the totals of trainable and non-trainable values."""
    rows = []
    for name, layer in zip(layer_names(model.layers), model.layers):
        if hasattr(layer, "rate"):
            detail = f"rate {layer.rate}"
        else:
            detail = getattr(layer, "output_activation", None) or ""
        rows.append((f"{name} ({type(layer).__name__})", str((None,) + layer.output_shape),
                     detail, f"{layer.count_params + layer.count_state:,}"))
    header = ("Layer (type)", "Output Shape", "Activation", "Param #")
    widths = [max(len(r[i]) for r in rows + [header]) + 3 for i in range(4)]
    line = lambda r: "".join(c.ljust(w) for c, w in zip(r[:3], widths)) + r[3].rjust(widths[3])
    rule = "_" * sum(widths)
    trainable, frozen = model.parameter_vector.size, model.state_vector.size
    text = [f'Model: "{model.name or type(model).__name__}"', rule, line(header), "=" * len(rule)]
    for i, row in enumerate(rows):
        text += [line(row), rule if i < len(rows) - 1 else "=" * len(rule)]
    text += [f"Total params: {trainable + frozen:,}", f"Trainable params: {trainable:,}",
             f"Non-trainable params: {frozen:,}"]
    if model.loss is not None:
        text.append(f"Loss: {model.loss}")
    return "\n".join(text)
