"""Backups and restores: the database dump, a manifest with checksums of the private storage, and
optionally the stored objects themselves (`manage.py backup`, `manage.py restore`, docs/deploy.md).

Imports no domain app: it sees tables and stored objects, not models, so it keeps working whatever
the apps add later.
"""
