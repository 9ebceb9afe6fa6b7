"""The history of changes to the register, as the principal and the family browse it."""
