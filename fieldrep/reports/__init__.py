"""Activity and coverage figures for a manager's team view and a rep's own pace.

Pandas, no Qt, no store in the shared modules, so the desktop, the server's
`GET /reports/team` and `fieldrep-server report team` run one code path:

- `data.team_data(team=, hcps=, calls=, plans=, feedback=, cycles=, segments=)` ->
  `TeamData` (typed frames from wire-form rows; each side loads its rows its own way)
- `team.team_report(data, TeamFilter(start, end, reps=(), tier=None, segment=None,
  product=None, silent_days=30))` -> `TeamReport` (frozen): `weekly` (rep x ISO week),
  `summary` (rep), `attainment` (rep x cycle x goal line), `reach` (rep x tier/segment),
  `dismiss_reasons`, `silent` (priority HCPs not contacted), `totals` (`TeamTotals`)
- `goals.rep_attainment(data, rep, day)` -> `AttainmentLine`s with `.sentence()`:
  "A-tier: 62 % of the cycle done, 61 % of the time gone"
- `export.to_bytes(report, fmt)` (csv, xlsx, json), `export.frame_to_bytes(frame, fmt)` (one
  table: the current view), `export.as_json(report)`

On the device (`local`, which reads the encrypted store; the server never imports it):
`ws.reports.team(flt=None)` -> `TeamReport` (default: the last four ISO weeks to today),
`ws.reports.rep_attainment(day=None)`, `ws.reports.data()`, `ws.reports.goals()`,
`ws.reports.default_filter(weeks=4)`.

Definitions (docs/manager.md has the long form):
- Only submitted notes count; drafts and conflict copies never do. A call's day is the
  date written in its `started_at` (the rep's wall date), so every side agrees.
- calls by channel, `hcps_reached` (distinct HCPs called), `top_tier_reached` (distinct
  A-tier HCPs called that are in the rep's territories now, so coverage never passes
  100 %; calls on an HCP realigned away still count in calls and `hcps_reached`),
  `days_in_field` (distinct days with a face-to-face visit), `planned` / `completed` /
  `cancelled` (visit plans by planned date), suggestions `accepted` / `dismissed` /
  `snoozed` (by the decision's day) and `expired` (a suggestion whose last decision is a
  snooze that ended before the as-of day, counted on the day it ended);
  `acceptance_rate` = accepted / (accepted + dismissed), None without a decision.
- Attainment per goal line: targets = the rep's HCPs matching tier/decile/segment; goal
  = contacts x targets; counted = per target, contacts on the line's channel from the
  cycle's start to the as-of day, at most `cap`; attainment = counted / goal; reach =
  targets contacted / targets; frequency = contacts / targets contacted; time_gone =
  share of the cycle's days gone on the as-of day (the filter's `end`).
- Priority HCPs: tier A, or a target of a goal line of a cycle running on the as-of
  day; `silent` lists each rep's priority HCPs that nobody of the team has contacted
  for more than `silent_days` (`last_contact` / `last_contact_by`: the latest call by
  anyone, naming the product when the report is filtered by one), so an HCP realigned
  from rep A to rep B reads "seen 5 days ago by A" rather than "never".
- Segment: the top segment of a mix the rep confirmed (never a device's estimate).
"""
