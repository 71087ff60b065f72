"""nbval settings shared by every notebook (nbval 0.11.0 is pinned in pyproject.toml).

The output policy lives in :mod:`d2lnotes.nbtools` and README ("How the notebooks are tested"):

* Progress bars (tqdm widgets) are dropped from both the committed and the fresh outputs before
  comparing: they show timing, not results.  Printed text is then merged into one output per
  stream, as `make notebooks` saves it: how it was split into messages is timing too.
* A cell that declares a tolerance in its metadata (``{"d2lnotes": {"tolerance": {...}}}``) has
  the numbers in its text outputs compared within that tolerance and the words around them
  exactly; every other cell is compared exactly, as nbval does.
* Cells may take a while to produce their first output on a slow CPU: wait up to 120 s instead of
  nbval's hard-coded 5 s.
"""

from pathlib import Path

from d2lnotes.nbtools import (
    cell_tolerance,
    coalesce_streams,
    drop_progress_bars,
    outputs_within_tolerance,
)


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
        # bars dropped, then printed text merged again (a bar may have split it), as saved
        test, ref = (
            coalesce_streams(drop_progress_bars(test)),
            coalesce_streams(drop_progress_bars(ref)),
        )
        where = f"{Path(str(self.fspath)).name} cell {self.cell_num}"
        tol = cell_tolerance(self.cell.metadata, where=where)
        reasons = []
        if tol is not None:
            test, reasons = outputs_within_tolerance(test, ref, tol, sanitize=self.sanitize)
        same = original(self, test, ref, skip_compare)
        if not same and tol is not None:
            self.comparison_traceback.append(
                f"(declared tolerance rel={tol.rel:g} abs={tol.abs:g}: {'; '.join(reasons)})"
            )
        return same

    compare_outputs._d2lnotes = True
    IPyNbCell.compare_outputs = compare_outputs
