"""Realistic synthetic cases for demos, tests and benchmarks.

Every act goes through the domain's command methods, so the generated history obeys every
guard. Timings are drawn so that most clocks are met, some late and some breached; some
partners dispute and go to mediation; reviews are commissioned with action plans. People
are invented (first names from common lists, surnames made up) and nothing is real.
The same seed gives the same cases.
"""

from application.generate.generator import GenerateStats, generate

__all__ = ["GenerateStats", "generate"]
