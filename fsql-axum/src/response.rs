//! `fsql::Error` as an HTTP response, in Werkzeug's words.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fsql_core::Error;

/// Werkzeug's description of a 500, which Flask shows for an unhandled error.
const INTERNAL_DESCRIPTION: &str = "The server encountered an internal error and was unable to \
     complete your request. Either the server is overloaded or there is an error in the \
     application.";

/// An error a handler returns: `fsql::Error` (through `?`) or a panic in database work.
///
/// As a response, [`Error::NotFound`] is `404 Not Found` with its description; everything else
/// is `500 Internal Server Error` with Werkzeug's generic text, because the error's own message
/// may hold SQL, a database URL or the values of a failed statement. The full error goes to
/// `tracing` (ERROR, target `fsql::axum`) instead.
///
/// The body is a short HTML page; behind [`negotiate_errors`] a client whose `Accept` prefers
/// JSON gets `{"code": 404, "name": "Not Found", "description": ".."}`.
///
/// ```
/// use axum::response::IntoResponse;
/// use fsql_axum::HttpError;
///
/// let response = HttpError::from(fsql_core::Error::not_found_with("no post 7")).into_response();
/// assert_eq!(response.status(), 404);
/// ```
#[derive(Debug)]
pub struct HttpError {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Fsql(Error),
    /// A panic in work run on a blocking thread: its message, for the log only.
    Panic(String),
}

impl HttpError {
    /// The status the response will have.
    pub fn status(&self) -> StatusCode {
        match &self.kind {
            Kind::Fsql(e) if e.is_not_found() => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The fsql error, unless this is a panic.
    pub fn error(&self) -> Option<&Error> {
        match &self.kind {
            Kind::Fsql(e) => Some(e),
            Kind::Panic(_) => None,
        }
    }

    /// What the client is told: the `NotFound` description, or Werkzeug's generic 500 text.
    pub fn description(&self) -> &str {
        match &self.kind {
            Kind::Fsql(Error::NotFound { description }) => description,
            _ => INTERNAL_DESCRIPTION,
        }
    }

    pub(crate) fn panic(message: String) -> Self {
        Self {
            kind: Kind::Panic(message),
        }
    }
}

impl From<Error> for HttpError {
    fn from(e: Error) -> Self {
        Self {
            kind: Kind::Fsql(e),
        }
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::Fsql(e) => e.fmt(f),
            Kind::Panic(m) => write!(f, "database work panicked: {m}"),
        }
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Fsql(e) => Some(e),
            Kind::Panic(_) => None,
        }
    }
}

/// What [`negotiate_errors`] needs to re-render an error body; carried in the response's
/// extensions because `IntoResponse` cannot see the request's `Accept` header.
#[derive(Debug, Clone)]
struct ErrorBody {
    status: StatusCode,
    description: String,
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(target: "fsql::axum", error = %self, "request failed");
        }
        let body = ErrorBody {
            status,
            description: self.description().to_owned(),
        };
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html_page(&body),
        )
            .into_response();
        response.extensions_mut().insert(body);
        response
    }
}

fn html_page(body: &ErrorBody) -> String {
    let reason = body.status.canonical_reason().unwrap_or("Error");
    format!(
        "<!doctype html>\n<html lang=en>\n<title>{code} {reason}</title>\n<h1>{reason}</h1>\n<p>{}</p>\n",
        escape_html(&body.description),
        code = body.status.as_u16(),
    )
}

fn json_body(body: &ErrorBody) -> String {
    serde_json::json!({
        "code": body.status.as_u16(),
        "name": body.status.canonical_reason().unwrap_or("Error"),
        "description": body.description,
    })
    .to_string()
}

/// Middleware that turns [`HttpError`] bodies into JSON for clients whose `Accept` header
/// prefers `application/json` to `text/html` (an API client, `fetch` with that header); others
/// keep the HTML page. Install it with `axum::middleware::from_fn(negotiate_errors)`.
pub async fn negotiate_errors(request: Request, next: Next) -> Response {
    let json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(prefers_json);
    let mut response = next.run(request).await;
    if json {
        if let Some(body) = response.extensions_mut().remove::<ErrorBody>() {
            let status = response.status();
            let mut json = (status, json_body(&body)).into_response();
            json.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            return json;
        }
    }
    response
}

/// Whether an `Accept` header ranks JSON above HTML (by quality, then by order), as Werkzeug's
/// `accept_mimetypes.best_match(["text/html", "application/json"])` would pick JSON.
fn prefers_json(accept: &str) -> bool {
    let mut json: Option<(f32, usize)> = None;
    let mut html: Option<(f32, usize)> = None;
    for (i, item) in accept.split(',').enumerate() {
        let mut parts = item.split(';');
        let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let slot = match mime.as_str() {
            "application/json" => &mut json,
            "text/html" => &mut html,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some((q, i));
        }
    }
    match (json, html) {
        (Some((qj, _)), None) => qj > 0.0,
        (Some((qj, ij)), Some((qh, ih))) => qj > qh || (qj == qh && qj > 0.0 && ij < ih),
        _ => false,
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
///
/// ```
/// assert_eq!(fsql_axum::escape_html("<b>\"a\" & 'b'</b>"), "&lt;b&gt;&quot;a&quot; &amp; &#x27;b&#x27;&lt;/b&gt;");
/// ```
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::prefers_json;

    #[test]
    fn accept_header_ranking() {
        assert!(prefers_json("application/json"));
        assert!(prefers_json("application/json, text/html"));
        assert!(prefers_json("text/html;q=0.5, application/json"));
        assert!(!prefers_json("text/html, application/json"));
        assert!(!prefers_json(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        ));
        assert!(!prefers_json("*/*"));
        assert!(!prefers_json("application/json;q=0"));
    }
}
