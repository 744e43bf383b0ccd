"""The calibration of the model to the 2025 study (Publicis Sapient France, March 2025: 231
decision-makers of French firms of 100+ employees) and to dated statistics: a posterior sample
of every uncertain parameter (issue 13; docs/calibration.md).  It sits above the model and
below the experiments; it draws no figure (the views layer does, through ``figures=`` hooks).

From the study to a posterior, bottom up:

- :mod:`~aiadopt.calibration.targets`: the study's figures as calibration and validation
  targets (``targets.toml``) and their sampling intervals;
- :mod:`~aiadopt.calibration.survey`: the simulated survey, the model's firms asked in March
  2025 what the study asked (sampled and raked like the study, or exact);
- :mod:`~aiadopt.calibration.series`: the dated statistics (``series.toml``,
  ``data/external_series.csv``) and their measurement models;
- :mod:`~aiadopt.calibration.free`: parameter names (``field``, ``field[i]``) and named values
  set onto ``Params``;
- :mod:`~aiadopt.calibration.priors`: a prior for every parameter (``priors.toml``);
- :mod:`~aiadopt.calibration.outputs`: the model's quantities of one run that the likelihood
  compares with the figures;
- :mod:`~aiadopt.calibration.evidence`: the likelihood, every figure and dated statistic on
  its raw base (``evidence.toml``: the design effect and other nuisances), vectorised over
  parameter sets, with synthetic studies drawn from it;
- :mod:`~aiadopt.calibration.plan`: the calibration plan (``calibration.toml``): the sampler's
  settings, the fixed parameters, the evidence files;
- :mod:`~aiadopt.calibration.design`: model runs at many parameter sets, on a pool or a Dask
  cluster, saved as they complete;
- :mod:`~aiadopt.calibration.emulator`: the screen of the parameters the data can inform and
  the emulator of the model's quantities;
- :mod:`~aiadopt.calibration.posterior`: history matching with the emulator, then the
  ``emcee`` ensemble sampler, to a posterior sample;
- :mod:`~aiadopt.calibration.checks`: posterior-predictive checks of every figure with the
  model itself, validation and its log scores;
- :mod:`~aiadopt.calibration.pipeline`: ``aiadopt calibrate``, from the plan to the folder of
  the posterior, its checks and its identifiability;
- :mod:`~aiadopt.calibration.draws`: the posterior sample (``posterior.csv``) read into
  parameter sets for experiments, and its stated point (the median);
- :mod:`~aiadopt.calibration.sbc`: simulation-based calibration of the sampler;
- :mod:`~aiadopt.calibration.report`: the sampled-survey fit report of one parameter set
  (``aiadopt calibrate --report``) and the fit table saved with a results folder;
- :mod:`~aiadopt.calibration.errors`: the calibration's errors.
"""
