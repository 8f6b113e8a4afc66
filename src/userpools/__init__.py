"""Userpools: a self-hosted, drop-in Amazon Cognito User Pools service."""

__version__ = "0.1.0"
