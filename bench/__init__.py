"""`make bench`: the registry's performance against raw baselines (issue 3, "Performance")."""
