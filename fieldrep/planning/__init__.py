"""Week and day plans: route order by coordinates, week helpers, calendar export. No Qt."""
