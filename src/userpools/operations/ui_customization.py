"""Operations: ui customization."""
