"""Bulk work on a cycle's innovation reports: import from an Excel template, and carry-over in bulk.

The steps of an import, one module each:

- `layout`: the template's columns as the edition in force defines them, and how a stored value is
  written into a cell;
- `template`: the workbook an OPD (or the koordinator, for the whole Pemda) downloads, prefilled
  with the reports it may still edit, so importing it back unchanged changes nothing;
- `reader`: the uploaded file, refused early when it is not a plain xlsx of ours (size, zip
  structure, XML declarations, formulas, number of rows);
- `validate`: every row checked with the profile form's own fields and the rules the actions
  apply, into a `Plan` (what is created, changed field by field, left as it is, and every problem
  by row and column);
- `stash`: the plan kept on the server between the preview and the confirmation;
- `apply`: the plan written all or nothing, with the audit rows and rules of the hand edits.
"""
