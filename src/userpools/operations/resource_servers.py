"""Operations: resource servers."""
