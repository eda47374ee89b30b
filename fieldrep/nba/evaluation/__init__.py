"""Offline evaluation of next best action against baselines on a simulated territory.

`python -m fieldrep.nba.evaluation` runs it and prints the markdown table kept in
docs/nba.md. The simulated HCPs have hidden true preferences; every policy works under
the same hard rules, capacity and simulated rep.
"""
