"""The demo behind `remissbot demo`: STK-2023-137 from `/remiss ny` to the summary, every person's action a
Slack payload to the real app.

- data/scenario.yaml, data/stk-2023-137.yaml: the scenario as data (people, clock, answers, steps) and the remiss;
- scenario.py: their typed loader; story.py (with stage.py, walk.py, epilogue.py): the story that plays them;
- people.py, forms.py: acting as Slack's client; transcript.py: what is printed; golden.py: the transcript's guard.

Importing this package imports the app (through `run_demo`); the CLI imports it lazily, in `demo` only.
"""

from devtools.demo.run import run_demo
from devtools.demo.scenario import DemoRemiss, Scenario, load_scenario

__all__ = ["DemoRemiss", "Scenario", "load_scenario", "run_demo"]
