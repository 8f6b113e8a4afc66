from protocol_support import endpoint, make_endpoint

__all__ = ["endpoint", "make_endpoint"]
