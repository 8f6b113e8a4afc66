"""AWS JSON 1.1 wire protocol: the service model, validation, dispatch, SigV4. No I/O."""
