"""Views of the targets app, split by page family (dashboard, reports, Excel, plans)."""
