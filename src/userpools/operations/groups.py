"""Operations: groups."""
