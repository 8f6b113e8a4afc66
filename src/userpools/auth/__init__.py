"""Sign-in: the InitiateAuth / RespondToAuthChallenge state machine, sessions, secret hashes, tokens."""
