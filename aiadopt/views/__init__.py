"""Views of results: figures, the HTML report and the dashboard (the layer above experiments).

Every figure function takes tables and returns a :class:`matplotlib.figure.Figure` on the Agg
canvas; none runs a model.  What a view needs (the calibration fit table, say) is computed once
by whatever made the results folder and saved there.

- :mod:`~aiadopt.views.style`: the project's look (rc settings, palette, colours of stages,
  roles and scenarios), figures with a header and a provenance footer, the time axis;
- :mod:`~aiadopt.views.series`: reading series out of a tidy results table (scenarios,
  replicate bands, the reference scenario);
- :mod:`~aiadopt.views.study`: the study's values and their marks on the figures;
- :mod:`~aiadopt.views.fit`: the calibration fit (study against model, one row per target);
- :mod:`~aiadopt.views.trajectories`: stage shares, share at scale, the hype cycle, gains and
  the two views of "deployed" over time;
- :mod:`~aiadopt.views.effects`: the paired effects of the interventions;
- :mod:`~aiadopt.views.sensitivity`: sensitivity indices;
- :mod:`~aiadopt.views.save`: figures to PNG/SVG bytes and files (atomic, with provenance);
- :mod:`~aiadopt.views.folder`: loading a run's or an experiment's results folder;
- :mod:`~aiadopt.views.figures`: every figure of a folder, drawn and saved (``aiadopt plot``);
- :mod:`~aiadopt.views.report`: one self-contained HTML report (``aiadopt report``);
- :mod:`~aiadopt.views.dashboard`: the interactive dashboard (``aiadopt dashboard``), drawing
  the live runs of :mod:`aiadopt.experiments.live`.

Nothing is imported here, so that importing one view does not import them all.
"""
