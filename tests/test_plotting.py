import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import d2lnotes as dn  # noqa: E402
from d2lnotes import plotting  # noqa: E402


def _history():
    h = dn.History()
    for e in range(1, 4):
        h.log(e, train_loss=1.0 / e, test_loss=2.0 / e, per_model=[1.0 / e, 3.0 / e])
    return h


def test_plot_history_draws_log_curves_and_saves_png(tmp_path):
    ax = dn.plot_history(_history(), title="t")
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["train loss", "test loss"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [2.0, 1.0, 2 / 3])
    out = plotting.save_figure(ax.figure, tmp_path / "sub" / "curve.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plt.close("all")


def test_plot_history_per_model_needs_index():
    with pytest.raises(ValueError, match="model=index"):
        dn.plot_history(_history(), keys=["per_model"])
    ax = dn.plot_history(_history(), keys=["per_model"], model=1)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [3.0, 1.5, 1.0])
    with pytest.raises(ValueError, match="empty"):
        dn.plot_history(dn.History())
    with pytest.raises(TypeError, match="History"):
        dn.plot_history({"train_loss": [1]})
    plt.close("all")


def test_plot_bands_median_and_quantile_band():
    values = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, np.nan]])
    ax = dn.plot_bands([1, 2], values, label="seeds", quantiles=(0.0, 1.0))
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [2.0, 20.0])
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == 1.0 and band[:, 1].max() == 3.0  # min..max of column 0
    with pytest.raises(ValueError, match="seeds, points"):
        dn.plot_bands([1, 2], np.ones(2))
    with pytest.raises(ValueError, match="points"):
        dn.plot_bands([1, 2, 3], np.ones((2, 2)))
    with pytest.raises(ValueError, match="quantiles"):
        dn.plot_bands([1, 2], np.ones((2, 2)), quantiles=(0.6, 0.9))
    plt.close("all")


def test_save_figure_requires_png(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="png"):
        plotting.save_figure(fig, tmp_path / "x.svg")
    plt.close(fig)
