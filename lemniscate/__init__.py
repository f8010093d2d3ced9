"""Lemniscate: a workflow engine for vital coalitions.

One namespace over the project's top-level folders: `lemniscate.states` is `states/`,
`lemniscate.workflows` is `workflows/`, and so on (each is a link in this folder), so an
install puts nothing but `lemniscate` into site-packages.
"""
