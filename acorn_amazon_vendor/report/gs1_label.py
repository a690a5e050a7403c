"""GS1 logistic labels of Amazon cartons and pallets (filled in by the labels work)."""
