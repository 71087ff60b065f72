import torch
from torch import nn

import d2lnotes as dn
from d2lnotes.nbtools import is_progress_bar_output
from d2lnotes.progress import PROGRESS_MIN_STEPS
from d2lnotes.progress import wants_progress


def test_auto_progress_depends_on_work_not_time():
    assert wants_progress(None, PROGRESS_MIN_STEPS)
    assert not wants_progress(None, PROGRESS_MIN_STEPS - 1)
    assert wants_progress(True, 1) and not wants_progress(False, 10**9)


def test_progress_bar_passthrough_when_disabled():
    items = [1, 2, 3]
    assert dn.progress_bar(items, enabled=False) is items
    assert list(dn.progress_bar(items, enabled=True)) == items


def test_is_progress_bar_output():
    widget = {"application/vnd.jupyter.widget-view+json": {"model_id": "abc"}}
    bar = {
        "output_type": "display_data",
        "data": {**widget, "text/plain": "epochs:   0%|   | 0/50"},
    }
    assert is_progress_bar_output(bar)
    as_lines = {"data": {**widget, "text/plain": ["  0%|", "   | 0/5"]}}
    assert is_progress_bar_output(as_lines)
    slider = {"data": {**widget, "text/plain": "IntSlider(value=3)"}}
    assert not is_progress_bar_output(slider)
    text = {"output_type": "stream", "name": "stdout", "text": " 50%|#####"}
    assert not is_progress_bar_output(text)  # only widgets are dropped; printed text counts


def test_train_shows_a_text_bar_outside_jupyter(capsys):
    X, y = dn.synthetic_data(torch.ones(2), 0.0, 40, seed=0)
    dn.train(
        nn.Linear(2, 1), nn.MSELoss(), (X, y), num_epochs=3, batch_size=10, lr=0.1, progress=True
    )
    assert "epochs" in capsys.readouterr().err
    dn.train(nn.Linear(2, 1), nn.MSELoss(), (X, y), num_epochs=3, batch_size=10, lr=0.1)
    assert capsys.readouterr().err == ""  # 12 steps: auto mode stays quiet
