"""The service's error hierarchy. Class names are the wire codes (``__type``); one place serializes them.

Cognito answers every client error with HTTP 400 (even where the Smithy model's traits say 403/404/429,
see COGNITO-FACTS 1.3); only a bug is a 500 ``InternalErrorException``.
"""

from __future__ import annotations

from typing import ClassVar


class ServiceError(Exception):
    """An error the client should see. ``code`` is the wire ``__type``."""

    code: ClassVar[str] = "ServiceError"
    status: ClassVar[int] = 400
    default_message: ClassVar[str] = ""

    def __init__(self, message: str | None = None, **extra: str) -> None:
        self.message = self.default_message if message is None else message
        self.extra = extra
        super().__init__(self.message)

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__

    def body(self) -> dict[str, str]:
        return {"__type": self.code, "message": self.message, **self.extra}


# Protocol-level errors (not in the cognito-idp model, but sent by every AWS JSON service).
class UnknownOperationException(ServiceError):
    default_message = "The requested operation is not recognized by the service."


class SerializationException(ServiceError):
    default_message = "The request body could not be read."


class MissingAuthenticationTokenException(ServiceError):
    default_message = "Missing Authentication Token"


class UnrecognizedClientException(ServiceError):
    default_message = "The security token included in the request is invalid."


class InvalidSignatureException(ServiceError):
    default_message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method."
    )


class IncompleteSignatureException(ServiceError):
    default_message = "The request signature is incomplete."


class InvalidParameterException(ServiceError):
    """Also the answer to every model-validation failure (AWS's "N validation errors detected")."""


class InternalErrorException(ServiceError):
    status = 500
    default_message = "An internal error occurred."


# The rest of the model's error shapes.


class AccessDeniedException(ServiceError):
    pass


class AliasExistsException(ServiceError):
    pass


class CachedCIMDURLDoesNotExistException(ServiceError):
    pass


class CodeDeliveryFailureException(ServiceError):
    pass


class CodeMismatchException(ServiceError):
    default_message = "Invalid verification code provided, please try again."


class ConcurrentModificationException(ServiceError):
    pass


class DeviceKeyExistsException(ServiceError):
    pass


class DuplicateProviderException(ServiceError):
    pass


class EnableSoftwareTokenMFAException(ServiceError):
    pass


class ExpiredCodeException(ServiceError):
    default_message = "Invalid code provided, please request a code again."


class FeatureUnavailableInTierException(ServiceError):
    pass


class ForbiddenException(ServiceError):
    pass


class GroupExistsException(ServiceError):
    pass


class InternalServerException(ServiceError):
    status = 500


class InvalidEmailRoleAccessPolicyException(ServiceError):
    pass


class InvalidLambdaResponseException(ServiceError):
    pass


class InvalidOAuthFlowException(ServiceError):
    pass


class InvalidPasswordException(ServiceError):
    pass


class InvalidSmsRoleAccessPolicyException(ServiceError):
    pass


class InvalidSmsRoleTrustRelationshipException(ServiceError):
    pass


class InvalidUserPoolConfigurationException(ServiceError):
    pass


class LimitExceededException(ServiceError):
    default_message = "Attempt limit exceeded, please try after some time."


class MFAMethodNotFoundException(ServiceError):
    pass


class ManagedLoginBrandingExistsException(ServiceError):
    pass


class NotAuthorizedException(ServiceError):
    default_message = "Not authorized."


class OperationNotEnabledException(ServiceError):
    pass


class PasswordHistoryPolicyViolationException(ServiceError):
    pass


class PasswordResetRequiredException(ServiceError):
    default_message = "Password reset required for the user"


class PreconditionNotMetException(ServiceError):
    pass


class RefreshTokenReuseException(ServiceError):
    pass


class ResourceNotFoundException(ServiceError):
    pass


class ScopeDoesNotExistException(ServiceError):
    pass


class ServiceQuotaExceededException(ServiceError):
    pass


class SoftwareTokenMFANotFoundException(ServiceError):
    pass


class TermsExistsException(ServiceError):
    pass


class TierChangeNotAllowedException(ServiceError):
    pass


class TooManyFailedAttemptsException(ServiceError):
    pass


class TooManyRequestsException(ServiceError):
    default_message = "Rate exceeded"


class UnauthorizedException(ServiceError):
    pass


class UnexpectedLambdaException(ServiceError):
    pass


class UnsupportedIdentityProviderException(ServiceError):
    pass


class UnsupportedOperationException(ServiceError):
    pass


class UnsupportedTokenTypeException(ServiceError):
    pass


class UnsupportedUserStateException(ServiceError):
    pass


class UserImportInProgressException(ServiceError):
    pass


class UserLambdaValidationException(ServiceError):
    pass


class UserNotConfirmedException(ServiceError):
    default_message = "User is not confirmed."


class UserNotFoundException(ServiceError):
    default_message = "User does not exist."


class UserPoolAddOnNotEnabledException(ServiceError):
    pass


class UserPoolTaggingException(ServiceError):
    pass


class UsernameExistsException(ServiceError):
    default_message = "User already exists"


class WebAuthnChallengeNotFoundException(ServiceError):
    pass


class WebAuthnClientMismatchException(ServiceError):
    pass


class WebAuthnConfigurationMissingException(ServiceError):
    pass


class WebAuthnCredentialNotSupportedException(ServiceError):
    pass


class WebAuthnNotEnabledException(ServiceError):
    pass


class WebAuthnOriginNotAllowedException(ServiceError):
    pass


class WebAuthnRelyingPartyMismatchException(ServiceError):
    pass
