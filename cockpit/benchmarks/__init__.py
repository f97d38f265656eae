"""The benchmark of ``manage.py bench``: synthetic strategies of any size (``data``), the timers
(``timing``), the floor to compare the Excel pack with (``floor``), the project import adapter
(``imports``) and the run itself (``runner``). See docs/BENCHMARKS.md."""
