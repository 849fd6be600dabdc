//! The error table shared by every adapter: one row per error class, with its HTTP status and
//! default message. The TypeScript error classes are generated from [`ERROR_TABLE`], so a
//! status is decided here and nowhere else.

use serde::{Deserialize, Serialize};

/// One row of the error table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorKind {
    /// The class name, as sent in the `name` field of an error body.
    pub name: &'static str,
    /// The HTTP status sent for this error.
    pub status: u16,
    /// The message used when the error is thrown without one.
    pub message: &'static str,
}

macro_rules! error_table {
    ($($ident:ident = $name:literal, $status:literal, $message:literal;)*) => {
        $(
            #[doc = concat!("`", $name, "`: ", stringify!($status), ", \"", $message, "\".")]
            pub const $ident: ErrorKind = ErrorKind { name: $name, status: $status, message: $message };
        )*
        /// Every error class the framework knows, in status order.
        pub const ERROR_TABLE: &[ErrorKind] = &[$($ident),*];
    };
}

error_table! {
    BAD_REQUEST = "BadRequestError", 400, "Bad request";
    UNAUTHORIZED = "UnauthorizedError", 401, "Unauthorized";
    MISSING_SESSION = "MissingSessionError", 401, "A session is required";
    INVALID_SESSION = "InvalidSessionError", 401, "The session is invalid";
    PAYMENT_REQUIRED = "PaymentRequiredError", 402, "Payment required";
    FORBIDDEN = "ForbiddenError", 403, "Forbidden";
    NOT_FOUND = "NotFoundError", 404, "Not found";
    METHOD_NOT_ALLOWED = "MethodNotAllowedError", 405, "Method not allowed";
    NOT_ACCEPTABLE = "NotAcceptableError", 406, "Not acceptable";
    REQUEST_TIMEOUT = "RequestTimeoutError", 408, "Request timeout";
    CONFLICT = "ConflictError", 409, "Conflict";
    GONE = "GoneError", 410, "Gone";
    LENGTH_REQUIRED = "LengthRequiredError", 411, "Length required";
    PRECONDITION_FAILED = "PreconditionFailedError", 412, "Precondition failed";
    PAYLOAD_TOO_LARGE = "PayloadTooLargeError", 413, "Payload too large";
    URI_TOO_LONG = "URITooLongError", 414, "URI too long";
    UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaTypeError", 415, "Unsupported media type";
    UNPROCESSABLE_CONTENT = "UnprocessableContentError", 422, "Unprocessable content";
    LOCKED = "LockedError", 423, "Locked";
    TOO_MANY_REQUESTS = "TooManyRequestsError", 429, "Too many requests";
    INTERNAL_SERVER = "InternalServerError", 500, "Internal server error";
    NOT_IMPLEMENTED = "NotImplementedError", 501, "Not implemented";
    BAD_GATEWAY = "BadGatewayError", 502, "Bad gateway";
    SERVICE_UNAVAILABLE = "ServiceUnavailableError", 503, "Service unavailable";
    GATEWAY_TIMEOUT = "GatewayTimeoutError", 504, "Gateway timeout";
}

/// An error answered by the engine itself (before any user function runs).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestError {
    /// Which row of the table this is.
    pub kind: ErrorKind,
    /// What went wrong, for the client: names the input at fault.
    pub message: String,
    /// Structured detail (validation errors), sent as `payload`. Boxed: errors stay small.
    pub payload: Option<Box<serde_json::Value>>,
    /// Extra header: the `Allow` list of a 405.
    pub allow: Option<String>,
}

impl RequestError {
    /// An error of `kind` with a specific message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            payload: None,
            allow: None,
        }
    }

    /// Adds a structured payload.
    pub fn with_payload(mut self, payload: serde_json::Value) -> Self {
        self.payload = Some(Box::new(payload));
        self
    }
}

/// The JSON body of every error response: `{ name, message, payload?, errorId }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The error class name, such as `NotFoundError`.
    pub name: String,
    /// A sentence saying what failed. Absent for unknown errors in production.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
    /// Structured detail, such as the list of validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub payload: Option<serde_json::Value>,
    /// The request id (`x-request-id`, or generated), to find the request in logs.
    pub error_id: String,
}

/// The longest `x-request-id` that is echoed back; longer or odd ones are replaced.
const MAX_REQUEST_ID_LEN: usize = 128;

/// Returns the client's request id when it is safe to echo (printable ASCII, bounded), else a
/// fresh UUID v4.
pub fn request_id(client_id: Option<&str>) -> String {
    match client_id {
        Some(id)
            if !id.is_empty()
                && id.len() <= MAX_REQUEST_ID_LEN
                && id.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            id.to_owned()
        }
        _ => uuid::Uuid::new_v4().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_unique_and_end_in_error() {
        let mut names: Vec<_> = ERROR_TABLE.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ERROR_TABLE.len());
        assert!(ERROR_TABLE.iter().all(|k| k.name.ends_with("Error")));
    }

    #[test]
    fn request_id_echoes_safe_ids_and_replaces_others() {
        assert_eq!(request_id(Some("abc-123")), "abc-123");
        assert_eq!(request_id(None).len(), 36);
        assert_eq!(request_id(Some("a\r\nSet-Cookie: x")).len(), 36);
        assert_eq!(request_id(Some(&"x".repeat(500))).len(), 36);
    }
}
