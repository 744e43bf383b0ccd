# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # aiadopt tutorial: an experiment, the posterior, a scenario discovery
#
# This notebook is a [jupytext](https://jupytext.readthedocs.io) percent script: open it in
# Jupyter (with jupytext installed) or run it as a script, `python docs/tutorial.py`. It runs
# at toy sizes (a few hundred firms, a few runs) so that it finishes in well under a minute;
# the sizes to use for real answers are given in each step (`TUTORIAL_SCALE` = 1 is the toy).
#
# The model simulates how French firms of 100+ employees adopt generative AI, calibrated on
# a March 2025 survey of 231 decision-makers. Each firm has a Direction, a Technique and a
# Business agent and moves through the stages *not engaged, planned, experimenting,
# deployed, scaled*, one step per month from November 2022.

# %%
# %matplotlib inline
import tempfile
from pathlib import Path

import numpy as np

import aiadopt
from aiadopt.calibration.draws import load_posterior, packaged_posterior
from aiadopt.calibration.priors import load_priors
from aiadopt.experiments import execute_experiment
from aiadopt.experiments.discovery import execute_discovery
from aiadopt.views.discovery import scores_figure, tradeoff_figure

FIRMS = 300  # real answers: 10,000
WORK = Path(tempfile.mkdtemp(prefix="aiadopt-tutorial-"))
print(f"aiadopt {aiadopt.__version__}; writing into {WORK}")

# %% [markdown]
# ## 1. The posterior: the uncertain parameters
#
# The calibration (`aiadopt calibrate`) ships a posterior sample of the parameters,
# `aiadopt/calibration/posterior.csv`: one row per draw. Experiments give each replicate its
# own draw, so their intervals include what the survey leaves uncertain. When no posterior
# ships (a development checkout), this notebook draws stand-in vectors from the priors
# instead: **prior draws, not a fit** (the answers below are then only illustrations).

# %%
if packaged_posterior().is_file():
    sample = load_posterior()
    parameter_set = "shipped"
    print(f"posterior sample: {len(sample.params)} draws from {sample.source}")
    print(sample.frame.iloc[:, :6].describe().T[["mean", "std", "min", "max"]])
else:
    draws = load_priors().sample(np.random.default_rng(7), 12, base=aiadopt.Params())
    parameter_set = draws
    print(f"no posterior shipped: {len(draws)} prior draws stand in (not a fit)")
    print("bass_q over the draws:", np.round([p.bass_q for p in draws], 3))

# %% [markdown]
# ## 2. A small experiment
#
# Two built-in scenarios: the baseline and `strategy` (half of the engaged firms adopt a
# strategy shared by Direction, Technique and Business from June 2025; Figure 9). Replicate
# *k* has the same seed and posterior draw in both (common random numbers), so the paired
# difference carries the effect, not the noise. Real answers: `replicates=100`.

# %%
exp = execute_experiment(
    ["baseline", "strategy"],
    replicates=3,
    firms=FIRMS,
    until="2027-12",
    out=WORK / "exp",
    workers=1,
    progress=False,
    parameter_set=parameter_set,
)
print(exp.format_summary())

# %% [markdown]
# ## 3. Plot it
#
# `aiadopt.Results` reads the folder once; `plot()` draws its figures (here the share of
# firms at scale over time, with the paired effect).

# %%
res = aiadopt.Results.open(WORK / "exp")
figures = res.plot("share_at_scale")
figures["share_at_scale"]

# %% [markdown]
# ## 4. A scenario discovery
#
# In which conditions does the share of firms at scale exceed a threshold at a month? The
# levers (each intervention's share of treated firms, from June 2025) are sampled on a Latin
# hypercube together with the posterior draws; PRIM finds the box of inputs where the
# outcome exceeds the threshold (its *coverage*: the share of the runs above the threshold
# that fall in it; its *density*: the share of its runs above the threshold), and extra
# trees score each input. Real answers: `runs=1000, firms=10_000` (a few minutes on 2 cores;
# `aiadopt discover` does the same from the command line). Here the threshold is the median
# of the runs, so that half of them are above it.

# %%
disc = execute_discovery(
    runs=30,
    threshold=None,  # None: the median outcome over the runs
    month="2026-12",
    outcome="share_in_place",
    firms=150,
    parameter_set=parameter_set,
    out=WORK / "disc",
    workers=1,
    progress=False,
)
print(disc.format_report())

# %% [markdown]
# The trade-off PRIM offers: each box of its peeling trajectory, coverage against density;
# the box reported is ringed.

# %%
tradeoff_figure(disc)

# %% [markdown]
# Which inputs matter, for the outcome and for being above the threshold:

# %%
scores_figure(disc)

# %% [markdown]
# The same runs answer other questions without running again (`Discovery.ask`), e.g. the
# share at scale above its median:

# %%
print(disc.ask(None, "share_scaled").format_report())
