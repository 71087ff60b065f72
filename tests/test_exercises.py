import numpy as np
import pytest
import torch

import d2lnotes as dn


def test_correct_answer_prints_confirmation(capsys):
    dn.check_answer(0.0101, 0.01, name="noise floor", rtol=0.05)
    assert "Correct: noise floor" in capsys.readouterr().out
    dn.check_answer(torch.tensor([1.0, 2.0]), np.array([1.0, 2.0]))


def test_missing_answer_asks_for_one():
    with pytest.raises(dn.ExerciseFeedback, match="replace the `...`.*Hint: think"):
        dn.check_answer(..., 1.0, hint="think")


def test_known_mistake_gets_its_message():
    mistakes = [(0.1, "that is the standard deviation; MSE is in squared units")]
    with pytest.raises(dn.ExerciseFeedback, match="standard deviation"):
        dn.check_answer(0.1, 0.01, mistakes=mistakes)
    with pytest.raises(dn.ExerciseFeedback, match="negative"):
        dn.check_answer(-3, 0.01, mistakes=[(lambda a: a < 0, "an MSE is never negative")])


def test_other_wrong_answers_do_not_reveal_the_answer():
    with pytest.raises(dn.ExerciseFeedback) as err:
        dn.check_answer(0.5, 0.25, hint="square it")
    assert "100%" in str(err.value) and "0.25" not in str(err.value)
    with pytest.raises(dn.ExerciseFeedback, match="shape"):
        dn.check_answer([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(dn.ExerciseFeedback, match="1 of 2 entries"):
        dn.check_answer([1.0, 5.0], [1.0, 2.0])
    with pytest.raises(dn.ExerciseFeedback, match="NaN"):
        dn.check_answer(float("nan"), 1.0)
    with pytest.raises(dn.ExerciseFeedback, match="number or an array"):
        dn.check_answer("seven", 7)


def test_shape_mistake_predicates_come_before_the_shape_message():
    mistakes = [(lambda a: a.shape == (100, 1), "you returned predictions, not weights")]
    with pytest.raises(dn.ExerciseFeedback, match="predictions, not weights"):
        dn.check_answer(np.zeros((100, 1)), np.zeros(4), mistakes=mistakes)


def test_check_choice(capsys):
    feedback = {"a": "too few data is not it", "b": "tiny features get tiny gradients"}
    dn.check_choice("B", "b", feedback)
    assert "tiny gradients" in capsys.readouterr().out
    with pytest.raises(dn.ExerciseFeedback, match="too few data"):
        dn.check_choice("a", "b", feedback)
    with pytest.raises(dn.ExerciseFeedback, match="not an option"):
        dn.check_choice("z", "b", feedback)
    with pytest.raises(dn.ExerciseFeedback, match="not answered"):
        dn.check_choice(..., "b", feedback)
    with pytest.raises(ValueError, match="correct option"):
        dn.check_choice("a", "c", feedback)


def test_check_choice_keeps_parentheses_inside_options(capsys):
    feedback = {"p=(0.5, 0.5)": "best", "p=(0.2, 0.5)": "not best", "b": "letter"}
    dn.check_choice("p=(0.5, 0.5)", "p=(0.5, 0.5)", feedback)
    dn.check_choice("(B)", "b", feedback)
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(dn.ExerciseFeedback, match="not best"):
        dn.check_choice("P=(0.2, 0.5)", "p=(0.5, 0.5)", feedback)


def test_a_near_miss_reports_its_error_in_readable_percent():
    import pytest

    with pytest.raises(dn.ExerciseFeedback, match=r"off by 0\.44% \(tolerance 0\.10%\)"):
        dn.check_answer(0.088, 0.0883883, name="sigma", rtol=1e-3)
    with pytest.raises(dn.ExerciseFeedback, match=r"off by 4\.0% \(tolerance 1\.0%\)"):
        dn.check_answer(1.04, 1.0, name="x", rtol=1e-2)
    with pytest.raises(dn.ExerciseFeedback, match=r"off by 1\.0% \(tolerance 0\.50%\)"):
        dn.check_answer(1.0104, 1.0, name="x", rtol=5e-3)


def test_check_answer_takes_a_list_holding_a_tensor_that_requires_grad(capsys):
    x = torch.zeros(1, requires_grad=True)
    s = torch.sigmoid(x)
    dn.check_answer([s * (1 - s), 0.1], [0.25, 0.1], name="derivatives", rtol=1e-6)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(dn.ExerciseFeedback, match="not quite"):
        dn.check_answer([s, 0.1], [0.25, 0.1], name="derivatives", rtol=1e-6)


def test_a_non_finite_answer_still_gets_the_hint():
    with pytest.raises(dn.ExerciseFeedback, match="NaN or inf.*Hint: subtract the maximum"):
        dn.check_answer([float("nan"), 1.0], [0.5, 1.0], hint="subtract the maximum")


def test_none_answer_suggests_a_missing_return():
    import pytest

    from d2lnotes import ExerciseFeedback, check_answer

    with pytest.raises(ExerciseFeedback, match="not answered yet.*is a `return` missing"):
        check_answer(None, 1.0, name="f(x)")
    with pytest.raises(ExerciseFeedback) as info:
        check_answer(..., 1.0, name="f(x)")
    assert "return" not in str(info.value)
