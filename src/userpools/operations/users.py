"""Operations: users."""
