"""nbval settings shared by every notebook (nbval 0.11.0 is pinned in pyproject.toml).

* Progress bars (tqdm widgets) are dropped from both the committed and the fresh
  outputs before comparing: they show timing, not results.
* Cells may take a while to produce their first output on a slow CPU: wait up to
  120 s instead of nbval's hard-coded 5 s.
"""

from d2lnotes.progress import is_progress_bar_output


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        if type(item).__name__ == "IPyNbCell":
            item.output_timeout = 120


def pytest_configure(config):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval not installed: nothing to configure
        return
    if getattr(IPyNbCell.compare_outputs, "_d2lnotes", False):
        return
    original = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        test = [o for o in test if not is_progress_bar_output(o)]
        ref = [o for o in ref if not is_progress_bar_output(o)]
        return original(self, test, ref, skip_compare)

    compare_outputs._d2lnotes = True
    IPyNbCell.compare_outputs = compare_outputs
