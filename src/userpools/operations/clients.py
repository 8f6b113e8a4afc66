"""Operations: clients."""
