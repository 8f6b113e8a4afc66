"""Operations: tags."""
