"""Pure rules of the service (schema, attributes, policies, filters, user states); no I/O."""
