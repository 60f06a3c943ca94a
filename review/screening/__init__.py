"""Screening: criteria, decisions (blinded, dual), agreement, prioritised queues.

Import the parts you need from their modules (``review.screening.decisions`` and so on);
this package module stays light so that the store's migrations can load the tables
without pulling in scikit-learn.
"""
