"""Operations: domains."""
