"""Snapshots: the koordinator finalising a cycle, national results imported (national admin)."""

urlpatterns = []
