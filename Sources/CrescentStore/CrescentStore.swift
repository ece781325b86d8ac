// CrescentStore: filled in by its issue.
