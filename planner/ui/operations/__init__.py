"""The app's operations: each action of the main window that changes stored data, as a function that calls the
core and returns what it changed, in the shape of anki's ``aqt.operations``.

An operation returns :class:`~planner.ui.operations.changes.OpChanges` (or an :class:`~.changes.OpResult`
carrying one with its value). The window emits that value once, on its ``changed`` signal, and each view
refreshes itself from it; no action reloads a view by hand.

- :mod:`.changes`: what an operation can change (light: the first screen imports it before its first paint).
- :mod:`.patients`: create, edit, archive or restore a patient.
- :mod:`.assessments`: save, sign and amend the open assessment; import assessment files; the demo patient.
- :mod:`.export`: write the clinician plan or the patient handout as a PDF.
- :mod:`.followup`: mark an item of the follow-up list done, or open it again.

The last four load the records (SQLAlchemy's ORM, the validator, the rule engine): the first screen reaches
them through :mod:`planner.ui.deferred`.
"""
