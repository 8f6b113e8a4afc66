"""Operations: identity providers."""
