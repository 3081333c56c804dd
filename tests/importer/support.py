"""Shared by the importer tests: the recipients seed 002 names, and a stand-in for the draft store."""

from __future__ import annotations

from bot.adapters.importer import ImportedRemiss

# Seed 002 (STK-2023-137) is sent to these fifteen, in this order: the shipped directory's answering organisations.
SEED_002_RECIPIENTS = [
    "Tekniska nämnden",
    "Miljönämnden",
    "Funktionsstödsnämnden",
    "Förskolenämnden",
    "Grundskolenämnden",
    "Gymnasie- och vuxenutbildningsnämnden",
    "Hälsa-, vård- och omsorgsnämnden",
    "Arbetsmarknads- och socialnämnden",
    "Fritidsnämnden",
    "Kulturnämnden",
    "Servicenämnden",
    "Stadsbyggnadsnämnden",
    "MKB",
    "Parkering Malmö",
    "Parkeringsövervakning i Malmö AB",
]


class RecordingSave:
    """Stands in for the draft store: records what it was asked to save and answers with the case number."""

    def __init__(self) -> None:
        self.saved: list[ImportedRemiss] = []

    def __call__(self, result: ImportedRemiss) -> str:
        self.saved.append(result)
        return result.case_number or ""
