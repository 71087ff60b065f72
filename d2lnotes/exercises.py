"""Check cells for exercises: specific feedback instead of a bare ``AssertionError``.

A check cell calls :func:`check_answer`.  A correct answer prints a short
confirmation; a missing answer (``...``) says what to fill in; an answer that
matches a known mistake says which mistake; anything else says how far off it
is and gives the hint.  It never prints the expected value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch

from .i18n import translate

__all__ = ["ExerciseFeedback", "check_answer", "check_choice"]


class ExerciseFeedback(AssertionError):
    """Raised by :func:`check_answer` for a missing or wrong answer.

    The message is shown in the learner's language (:func:`d2lnotes.i18n.translate`): the Chinese
    edition runs the same check code and reads its feedback in Chinese.

    Taught in: 06 §2 (the backward-pass exercise's check cell raises it with a hint).
    """

    def __init__(self, *args):
        if len(args) == 1 and isinstance(args[0], str):
            args = (translate(args[0]),)
        super().__init__(*args)


def _as_array(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().to(torch.float64).numpy()
    elif isinstance(value, (list, tuple)):  # e.g. [tensor_with_grad, 0.1]: detach each entry
        value = [_entry(v) if isinstance(v, (torch.Tensor, list, tuple)) else v for v in value]
    return np.asarray(value, dtype=float)


def _entry(value) -> np.ndarray:
    """One entry of a list answer; a one-element tensor (such as ``x.grad`` of shape (1,)) counts as
    the number it holds."""
    array = _as_array(value)
    return array.reshape(()) if array.size == 1 else array


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def check_answer(
    answer,
    expected,
    *,
    name: str = "answer",
    rtol: float = 1e-2,
    atol: float = 0.0,
    mistakes: Sequence[tuple[object, str]] = (),
    hint: str = "",
) -> None:
    """Compare ``answer`` with ``expected`` (numbers, arrays or tensors).

    ``mistakes`` lists ``(value_or_predicate, message)`` pairs for known wrong
    answers: a value is matched with the same tolerance, a callable is called
    with the answer as a NumPy array and matches when it returns True.

    Taught in: 00 (Exercises) (checks each answer, a number or a function's output, and names
    known mistakes).
    """
    if answer is Ellipsis or answer is None:
        raise ExerciseFeedback(
            f"{name}: not answered yet -- replace the `...` with your answer."
            + (_NONE if answer is None else "")
            + (f" Hint: {hint}" if hint else "")
        )
    try:
        got = _as_array(answer)
    except (TypeError, ValueError):
        raise ExerciseFeedback(
            f"{name}: expected a number or an array, got {type(answer).__name__}"
        ) from None
    want = _as_array(expected)
    if got.shape == want.shape and np.all(np.isfinite(got)) and _close(got, want, rtol, atol):
        print(translate(f"Correct: {name} checks out."))
        return
    for pattern, message in mistakes:
        if callable(pattern):
            try:
                matched = bool(pattern(got))
            except Exception:  # a predicate written for another shape
                matched = False
        else:
            matched = _close(got, _as_array(pattern), rtol, atol)
        if matched:
            raise ExerciseFeedback(f"{name}: {message}")
    if got.shape != want.shape:
        raise ExerciseFeedback(f"{name}: expected shape {want.shape}, got shape {got.shape}")
    if not np.all(np.isfinite(got)):
        raise ExerciseFeedback(
            f"{name}: contains NaN or inf -- check for a division by zero or overflow"
            + (f" Hint: {hint}" if hint else "")
        )
    if got.size == 1:
        rel = abs(float(got.reshape(())) - float(want.reshape(()))) / max(
            abs(float(want.reshape(()))), 1e-300
        )
        detail = f"it is off by {_percent(rel)} (tolerance {_percent(rtol)})"
    else:
        bad = ~np.isclose(got, want, rtol=rtol, atol=atol)
        detail = f"{int(bad.sum())} of {bad.size} entries are off"
    raise ExerciseFeedback(f"{name}: not quite -- {detail}." + (f" Hint: {hint}" if hint else ""))


_NONE = " (If you did, your code gave None: is a `return` missing?)"


def _percent(fraction: float) -> str:
    """A relative error as a percentage: 100%, 25%, 4.0%, 1.0%, 0.44%, 0.012% (two significant
    digits below 10%, so a near miss never reads "off by 0%" or "1% (tolerance 1%)")."""
    percent = 100 * fraction
    return f"{percent:.0f}%" if percent >= 10 else f"{percent:#.2g}%"


def check_choice(
    answer, correct: str, feedback: Mapping[str, str], *, name: str = "answer"
) -> None:
    """Multiple choice: ``answer`` is one of the keys of ``feedback`` (e.g. ``"b"``).

    ``feedback`` maps every option to what a learner who picked it should hear;
    the entry of the correct option is printed as the explanation.

    Taught in: 00 (Exercises) (multiple-choice exercises with feedback for every option).
    """
    if correct not in feedback:
        raise ValueError(f"correct option {correct!r} is not among {sorted(feedback)}")
    if answer is Ellipsis or answer is None:
        raise ExerciseFeedback(
            f"{name}: not answered yet -- replace the `...` with one of {sorted(feedback)}."
        )
    key = str(answer).strip().lower()
    if key not in feedback and key.strip("()") in feedback:  # "(b)" for "b"
        key = key.strip("()")
    if key not in feedback:
        raise ExerciseFeedback(
            f"{name}: {answer!r} is not an option; choose one of {sorted(feedback)}."
        )
    if key != correct:
        raise ExerciseFeedback(f"{name}: not this one -- {feedback[key]}")
    print(translate(f"Correct: {feedback[key]}"))
