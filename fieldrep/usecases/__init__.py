"""Use cases: what a screen shows and what a rep does, each one core call.

A screen's data is one call that returns a frozen read model (`ws.today.agenda(day)`,
`ws.planner.week(monday)`, `ws.profiles.hcp_profile(hcp_id)`, `ws.hcp_list.full()`,
`ws.inbox.items()`, `ws.sync_status()`); an action is one call that
runs in one transaction and returns what it changed (`fieldrep.domain.changes`). The
UI, the CLI and tests call the same functions; none of them needs Qt.

Where a new use case goes:
- it reads or writes one kind of record: a method on that record's service
  (`calls.save_draft`, `calls.follow_ups_due`, `plans.cancel`);
- it combines several services, or a service with a planning / next-best-action
  algorithm: here, one module per screen, its read models beside it. The Workspace
  builds it from the services it needs (never from the Workspace itself), so the
  layers stay a tree: ui > cli > workspace > usecases > sync/nba/segments/planning/
  reports > services > store > domain.
Several service calls make one transaction by opening `store.write()` around them
(`Store` joins the services' own transactions to it).
"""
