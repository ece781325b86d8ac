// CrescentEngine: filled in by its issue.
