"""Compliance of a call record, shared by the device and the server (no Qt, no store).

- `call_record`: what a submitted call must hold (products, outcome, a start that is not
  in the future, a sensible duration).
- `checker`: findings in call-note text (restricted phrases, patient-identifying
  information, off-label claims, possible adverse events and product complaints), from
  the company's `ComplianceRules` and products, fast enough to run on every keystroke.
- `adverse_events`: the adverse-event report drafted from a note, and its deadline.

Imports nothing of the client but `fieldrep.sync.protocol` (a checked contract), so the
server re-checks what devices push with exactly the same code.
"""
