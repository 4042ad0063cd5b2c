//! Version negotiation of the HMRC profile by the `Accept` header: `application/vnd.hmrc.2.0+…`
//! or `application/vnd.hmrc.2.1+…` with the representation the endpoint allows; anything else
//! is `406 NOT_ACCEPTABLE`, as HMRC answers.

use axum::http::{header, HeaderMap, StatusCode};

use crate::error::ApiError;

/// A representation the client asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wants {
    /// `+json`: JSON (a message body as its HMRC JSON form).
    Json,
    /// `+json-xml`: JSON, with a message's body as an XML string.
    JsonXml,
    /// `+xml`: a message body as XML, without metadata.
    Xml,
}

/// What `Accept` asks for, if it is one of `allowed` in version 2.0 or 2.1. Errors: `406`.
pub fn accept(headers: &HeaderMap, allowed: &[Wants]) -> Result<Wants, ApiError> {
    let given = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let found = given.split(',').find_map(|part| {
        let media = part.split(';').next().unwrap_or_default().trim();
        let rest = media
            .strip_prefix("application/vnd.hmrc.2.0+")
            .or_else(|| media.strip_prefix("application/vnd.hmrc.2.1+"))?;
        let wants = match rest {
            "json" => Wants::Json,
            "json-xml" => Wants::JsonXml,
            "xml" => Wants::Xml,
            _ => return None,
        };
        allowed.contains(&wants).then_some(wants)
    });
    found.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "The Accept header is missing or invalid.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(accept_value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, accept_value.parse().unwrap());
        h
    }

    #[test]
    fn versions_and_representations_are_negotiated() {
        let json = [Wants::Json];
        assert_eq!(
            accept(&with("application/vnd.hmrc.2.0+json"), &json).unwrap(),
            Wants::Json
        );
        assert_eq!(
            accept(&with("application/vnd.hmrc.2.1+json"), &json).unwrap(),
            Wants::Json
        );
        assert_eq!(
            accept(&with("application/vnd.hmrc.1.0+json"), &json)
                .unwrap_err()
                .0,
            StatusCode::NOT_ACCEPTABLE
        );
        assert!(accept(&with("application/json"), &json).is_err());
        assert!(accept(&HeaderMap::new(), &json).is_err());
        assert!(accept(&with("application/vnd.hmrc.2.1+xml"), &json).is_err());
        let body = [Wants::Json, Wants::Xml];
        assert_eq!(
            accept(&with("application/vnd.hmrc.2.1+xml"), &body).unwrap(),
            Wants::Xml
        );
    }
}
