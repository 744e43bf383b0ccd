"""The calibration of the model to the 2025 study (Publicis Sapient France, March 2025: 231
decision-makers of French firms of 100+ employees).  It sits above the model and below the
experiments; it draws no figure (the views layer does, through ``figures=`` hooks).

From the study to a fit, bottom up:

- :mod:`~aiadopt.calibration.targets`: the study's figures as calibration and validation
  targets (``targets.toml``) and their sampling intervals;
- :mod:`~aiadopt.calibration.survey`: the simulated survey, the model's firms asked in March
  2025 what the study asked (sampled and raked like the study, or exact);
- :mod:`~aiadopt.calibration.likelihood`: the log-likelihood of the study's figures given the
  simulated survey (v1, with hinges, used by the current fit);
- :mod:`~aiadopt.calibration.evidence`: the likelihood v2, every figure and dated statistic on
  its raw base, vectorised over parameter sets, with synthetic studies drawn from it;
- :mod:`~aiadopt.calibration.free`: the free parameters and how a search vector maps onto
  ``Params``;
- :mod:`~aiadopt.calibration.spec`: the calibration spec (``spec.toml``): what a fit moves,
  how it is scored and run;
- :mod:`~aiadopt.calibration.objective`: the loss a fit minimises and its worker processes;
- :mod:`~aiadopt.calibration.evaluations`: the evaluation log, resumable, and its cache;
- :mod:`~aiadopt.calibration.plausible`: the plausible set (``fitted_set.csv``) drawn from by
  experiments;
- :mod:`~aiadopt.calibration.fit`: :func:`~aiadopt.calibration.fit.calibrate`, the driver
  (``aiadopt calibrate``);
- :mod:`~aiadopt.calibration.report`: the fit report, every target against the model, and the
  fit table saved with a results folder;
- :mod:`~aiadopt.calibration.errors`: the calibration's errors.
"""
