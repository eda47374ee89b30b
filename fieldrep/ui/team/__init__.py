"""The manager's team view: dashboard, drill-down, coaching, export and print (issue 12)."""
